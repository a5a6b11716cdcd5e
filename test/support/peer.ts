import { PEER_ADDRESS_HEADER, PEER_ADDRESS_LAYER } from "@/server/request/peer-address";

/**
 * Stands in for scripts/peer-address-layer.mjs when a test calls route
 * handlers directly: marks the layer as loaded in this process and returns
 * the header it would have set for a socket from `address`.
 */
export function fromPeer(address: string, headers: Record<string, string> = {}): Record<string, string> {
  (globalThis as Record<symbol, unknown>)[PEER_ADDRESS_LAYER] = true;
  return { ...headers, [PEER_ADDRESS_HEADER]: address };
}
