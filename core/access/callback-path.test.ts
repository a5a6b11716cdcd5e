import { describe, expect, it } from "vitest";
import { callbackPath, otherConfiguredAddress } from "./callback-path";

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

describe("otherConfiguredAddress", () => {
  it("names the configured address when the page was opened at another host", () => {
    expect(otherConfiguredAddress("127.0.0.1:3000", "http://localhost:3000")).toBe("http://localhost:3000");
    expect(otherConfiguredAddress("localhost:3001", "http://localhost:3000/")).toBe("http://localhost:3000");
    expect(otherConfiguredAddress("ops.internal", "https://switchyard.example.com")).toBe("https://switchyard.example.com");
  });

  it("says nothing at the configured address, or without one", () => {
    expect(otherConfiguredAddress("localhost:3000", "http://localhost:3000")).toBeNull();
    expect(otherConfiguredAddress("LOCALHOST:3000", "http://localhost:3000")).toBeNull();
    expect(otherConfiguredAddress("switchyard.example.com", "https://switchyard.example.com")).toBeNull();
    expect(otherConfiguredAddress(null, "http://localhost:3000")).toBeNull();
    expect(otherConfiguredAddress("127.0.0.1:3000", undefined)).toBeNull();
  });
});
