import "server-only";
import { clientAddress, parseTrustedProxies, type TrustedProxies } from "@/core/access/client-address";

/** Set by scripts/peer-address-layer.mjs; the same two names are declared there. */
export const PEER_ADDRESS_HEADER = "x-switchyard-peer-address";
export const PEER_ADDRESS_LAYER = Symbol.for("switchyard.peer-address-layer");

/** Whether this process stamps requests with their socket's address (it does under `npm start`). */
export function peerAddressLayerLoaded(): boolean {
  return (globalThis as Record<symbol, unknown>)[PEER_ADDRESS_LAYER] === true;
}

/** The address of the socket the request came in on, or null when nothing in this process vouches for it. */
export function peerAddress(headers: Headers): string | null {
  return peerAddressLayerLoaded() ? headers.get(PEER_ADDRESS_HEADER) : null;
}

let cached: { value: string | undefined; proxies: TrustedProxies } | null = null;

/** `SWITCHYARD_TRUSTED_PROXIES`, read on use (parsed once per value). */
export function trustedProxies(env: Readonly<Record<string, string | undefined>> = process.env): TrustedProxies {
  const value = env.SWITCHYARD_TRUSTED_PROXIES;
  if (!cached || cached.value !== value) cached = { value, proxies: parseTrustedProxies(value) };
  return cached.proxies;
}

/**
 * The caller's address for limits and the audit trail: the socket's peer, or
 * what a trusted proxy says it forwarded (see clientAddress).
 */
export function requestAddress(headers: Headers): string | null {
  return clientAddress({ peer: peerAddress(headers), forwardedFor: headers.get("x-forwarded-for"), realIp: headers.get("x-real-ip"), proxies: trustedProxies() });
}

/** Said once at start: without the layer, per-address limits are off and the audit trail records no addresses. */
export function warnWithoutPeerAddressLayer(log: (line: string) => void = console.warn): void {
  if (peerAddressLayerLoaded()) return;
  log(
    "[switchyard] started without scripts/peer-address-layer.mjs (use npm start, or node --import ./scripts/peer-address-layer.mjs …): " +
      "client addresses are unknown, so sign-in limits apply per account only and the audit trail records no addresses",
  );
}
