import { describe, expect, it } from "vitest";
import { callbackPath } from "./callback-path";

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
