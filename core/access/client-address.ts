import { BlockList, isIP } from "node:net";

/**
 * Which address a request came from. Only the socket's peer cannot be chosen
 * by the caller; a forwarding header is believed hop by hop from the right
 * (the hop nearest us first), and only while the hop that wrote it is a proxy
 * the operator named. With no proxies named, forwarding headers are ignored.
 */

/** The operator's list of proxies whose forwarding headers are believed. */
export interface TrustedProxies {
  readonly entries: readonly string[];
  has(address: string): boolean;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { entries: [], has: () => false };

/**
 * An address as a proxy or a socket writes it, made comparable: IPv4-mapped
 * IPv6 (`::ffff:10.0.0.1`) becomes IPv4, brackets and a port are dropped, and
 * anything that is not an address is null.
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
  let text = raw?.trim() ?? "";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) text = mapped[1]!;
  const version = isIP(text);
  if (version === 4) return text;
  if (version === 6) return text.toLowerCase();
  return null;
}

/**
 * Parses `SWITCHYARD_TRUSTED_PROXIES`: addresses or CIDR ranges, separated by
 * commas or spaces (`10.0.0.0/8, 192.0.2.7, fd00::/8`). Throws naming the
 * first entry that is neither.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const entries = (value ?? "").split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) return NO_TRUSTED_PROXIES;
  const list = new BlockList();
  for (const entry of entries) {
    const [base, prefixText, ...rest] = entry.split("/");
    const address = normalizeAddress(base);
    const type = address && isIP(address) === 6 ? "ipv6" : "ipv4";
    const max = type === "ipv6" ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!address || rest.length || (prefixText !== undefined && !/^\d+$/.test(prefixText)) || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`SWITCHYARD_TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range such as 10.0.0.0/8`);
    }
    list.addSubnet(address, prefix, type);
  }
  return {
    entries,
    has(candidate) {
      const address = normalizeAddress(candidate);
      return address !== null && list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
    },
  };
}

/**
 * The client's address: the peer itself unless it is a trusted proxy; then
 * the right-most X-Forwarded-For entry that is not a trusted proxy (each
 * trusted hop vouches only for the entry it appended). X-Real-IP counts only
 * from a trusted peer that sent no X-Forwarded-For. A trusted hop that wrote
 * something other than an address leaves the last address we can vouch for.
 */
export function clientAddress(input: { peer: string | null; forwardedFor: string | null; realIp: string | null; proxies: TrustedProxies }): string | null {
  const peer = normalizeAddress(input.peer);
  if (!peer || !input.proxies.has(peer)) return peer;
  const hops = (input.forwardedFor ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  if (hops.length === 0) return normalizeAddress(input.realIp) ?? peer;
  let nearest = peer;
  for (const hop of hops.reverse()) {
    const address = normalizeAddress(hop);
    if (!address) return nearest;
    if (!input.proxies.has(address)) return address;
    nearest = address;
  }
  return nearest;
}
