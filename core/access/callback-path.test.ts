import { describe, expect, it } from "vitest";
import { callbackPath, SIGN_IN_ADDRESS_RULES, signInAddress } from "./callback-path";

const ORIGIN = "http://localhost:3000";

describe("callbackPath", () => {
  it.each([
    ["/services/orders-db?range=1h#lag", "/services/orders-db?range=1h#lag"],
    ["/fleet", "/fleet"],
    ["http://localhost:3000/alerts", "/alerts"],
    ["/%5Cevil.example/x", "/%5Cevil.example/x"],
    ["governance", "/governance"],
  ])("keeps a path on this application: %s → %s", (candidate, expected) => {
    expect(callbackPath(candidate, ORIGIN)).toBe(expected);
  });

  it.each([
    "/\\evil.example/phish",
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http://localhost:3001/fleet",
    "/\t/evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http://localhost:3000//evil.example",
    "http://localhost:3000/\\evil.example",
    "http://[",
  ])("refuses %j, going to the fleet instead", (candidate) => {
    expect(callbackPath(candidate, ORIGIN)).toBe("/fleet");
  });

  it("goes to the fallback without a candidate", () => {
    expect(callbackPath(undefined, ORIGIN)).toBe("/fleet");
    expect(callbackPath("", ORIGIN, "/audit")).toBe("/audit");
  });
});

describe("signInAddress", () => {
  const at = (host: string | null, configuredUrl: string | undefined, protocol: "http" | "https" = "http") => signInAddress({ host, protocol, configuredUrl });

  it("signs in at another address of an http configuration, naming the configured one", () => {
    expect(at("127.0.0.1:3000", "http://localhost:3000")).toEqual({ id: "other-address-signs-in-here", configured: "http://localhost:3000" });
    expect(at("localhost:3001", "http://localhost:3000/")).toEqual({ id: "other-address-signs-in-here", configured: "http://localhost:3000" });
    expect(at("ops.internal", "https://switchyard.example.com", "https")).toEqual({ id: "other-address-signs-in-here", configured: "https://switchyard.example.com" });
  });

  it("sends plain http to an https configuration, where the Secure session cookie would be dropped", () => {
    expect(at("127.0.0.1:3000", "https://switchyard.example.com")).toEqual({ id: "other-address-cannot-keep-a-session", configured: "https://switchyard.example.com" });
  });

  it("says nothing at the configured address, or without one", () => {
    expect(at("localhost:3000", "http://localhost:3000")).toEqual({ id: "configured-address" });
    expect(at("LOCALHOST:3000", "http://localhost:3000")).toEqual({ id: "configured-address" });
    expect(at("switchyard.example.com", "https://switchyard.example.com", "https")).toEqual({ id: "configured-address" });
    expect(at(null, "http://localhost:3000")).toEqual({ id: "configured-address" });
    expect(at("127.0.0.1:3000", undefined)).toEqual({ id: "configured-address" });
    expect(at("127.0.0.1:3000", "not a url")).toEqual({ id: "configured-address" });
  });

  it("has unique descriptive ids and ends with a row that always matches", () => {
    const ids = SIGN_IN_ADDRESS_RULES.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(SIGN_IN_ADDRESS_RULES.at(-1)!.when({ sameHost: false, protocol: "http", configured: new URL("http://x") })).toBe(true);
  });
});
