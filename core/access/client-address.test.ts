import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, NO_TRUSTED_PROXIES, parseTrustedProxies } from "./client-address";

const proxies = parseTrustedProxies("10.0.0.0/8, 192.0.2.7 fd00::/8");

describe("normalizeAddress", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    [" 203.0.113.9 ", "203.0.113.9"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["203.0.113.9:5123", "203.0.113.9"],
    ["[2001:DB8::1]:443", "2001:db8::1"],
    ["2001:db8::1", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["evil.example", null],
    ["", null],
    [null, null],
    ["1.2.3.4, 5.6.7.8", null],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });
});

describe("parseTrustedProxies", () => {
  it("matches addresses and ranges of both families", () => {
    expect(proxies.has("10.1.2.3")).toBe(true);
    expect(proxies.has("::ffff:10.1.2.3")).toBe(true);
    expect(proxies.has("192.0.2.7")).toBe(true);
    expect(proxies.has("192.0.2.8")).toBe(false);
    expect(proxies.has("fd12::1")).toBe(true);
    expect(proxies.has("2001:db8::1")).toBe(false);
    expect(proxies.has("not an address")).toBe(false);
  });

  it("trusts nobody when unset", () => {
    expect(parseTrustedProxies(undefined).has("127.0.0.1")).toBe(false);
    expect(parseTrustedProxies(" ").entries).toEqual([]);
  });

  it.each(["10.0.0.0/33", "10.0.0.0/", "proxy.internal", "10.0.0.0/8/1", "fd00::/129", "10.0.0.0/x"])("refuses %s, naming it", (entry) => {
    expect(() => parseTrustedProxies(`127.0.0.1, ${entry}`)).toThrow(`"${entry}" is not an IP address or a CIDR range`);
  });
});

describe("clientAddress", () => {
  const from = (peer: string | null, forwardedFor: string | null = null, realIp: string | null = null, trusted = proxies) =>
    clientAddress({ peer, forwardedFor, realIp, proxies: trusted });

  it("is the peer when no proxy is trusted, whatever the headers claim", () => {
    expect(from("198.51.100.4", "203.0.113.9", "203.0.113.10", NO_TRUSTED_PROXIES)).toBe("198.51.100.4");
  });

  it("is the peer when the peer is not a trusted proxy", () => {
    expect(from("198.51.100.4", "203.0.113.9")).toBe("198.51.100.4");
  });

  it("is unknown without a peer: a forwarding header alone proves nothing", () => {
    expect(from(null, "203.0.113.9")).toBeNull();
  });

  it("takes the entry the trusted proxy appended, not what the client prepended", () => {
    expect(from("10.0.0.5", "1.1.1.1, 203.0.113.9")).toBe("203.0.113.9");
  });

  it("walks through a chain of trusted proxies", () => {
    expect(from("10.0.0.5", "1.1.1.1, 203.0.113.9, 192.0.2.7, 10.0.0.6")).toBe("203.0.113.9");
  });

  it("stops at the last vouched hop when a trusted hop wrote garbage", () => {
    expect(from("10.0.0.5", "203.0.113.9, not-an-address")).toBe("10.0.0.5");
  });

  it("is the innermost trusted hop when every hop is trusted", () => {
    expect(from("10.0.0.5", "10.0.0.6, 192.0.2.7")).toBe("10.0.0.6");
  });

  it("takes X-Real-IP only from a trusted peer that sent no X-Forwarded-For", () => {
    expect(from("10.0.0.5", null, "203.0.113.9")).toBe("203.0.113.9");
    expect(from("10.0.0.5", "198.51.100.1", "203.0.113.9")).toBe("198.51.100.1");
    expect(from("198.51.100.4", null, "203.0.113.9")).toBe("198.51.100.4");
    expect(from("10.0.0.5")).toBe("10.0.0.5");
  });
});
