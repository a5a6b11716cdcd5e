import type https from "node:https";

/**
 * node:https, loaded when the agent first needs it: TLS costs an agent
 * 0.1–0.3 MB resident (measured under the agent's flags), which an
 * agent talking plain HTTP to its control plane, with no TLS on its health
 * endpoints, never uses. pg loads TLS the same way, only for a connection
 * that asks for it.
 */
export function httpsModule(): typeof https {
  return process.getBuiltinModule("node:https");
}
