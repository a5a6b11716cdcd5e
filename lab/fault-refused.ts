/** A fault that cannot be applied in the lab's present state (an agent already running, no control plane to stop…): HTTP 409. */
export class FaultRefused extends Error {
  override name = "FaultRefused";
}
