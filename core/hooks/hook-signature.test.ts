import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hookSignature, signedHeaders, verifyHookSignature } from "./hook-signature";

const SECRET = "a-shared-secret-of-at-least-32-characters";
const NOW = new Date("2026-12-04T21:00:00.000Z");
const T = Math.floor(NOW.getTime() / 1000);
const BODY = '{"run":"r1","step":"pre-failover-gate"}';

describe("hook signatures", () => {
  it("are HMAC-SHA-256 over the timestamp, a dot and the body, as documented for receivers", () => {
    const expected = createHmac("sha256", SECRET).update(`${T}.${BODY}`).digest("hex");
    expect(hookSignature(SECRET, T, BODY)).toBe(`v1=${expected}`);
    expect(signedHeaders(SECRET, T, BODY, "run:step:1", "dns")).toEqual({
      "x-switchyard-timestamp": String(T),
      "x-switchyard-signature": `v1=${expected}`,
      "x-switchyard-delivery": "run:step:1",
      "x-switchyard-endpoint": "dns",
    });
  });

  it("verify only the exact body, timestamp and secret, within the tolerance", () => {
    const signature = hookSignature(SECRET, T, BODY);
    expect(verifyHookSignature(SECRET, { timestamp: String(T), signature }, BODY, NOW)).toEqual({ valid: true });
    expect(verifyHookSignature(SECRET, { timestamp: String(T), signature }, `${BODY} `, NOW)).toEqual({ valid: false, reason: "the signature does not match the body and timestamp" });
    expect(verifyHookSignature(SECRET, { timestamp: String(T + 1), signature }, BODY, NOW)).toMatchObject({ valid: false });
    expect(verifyHookSignature(`${SECRET}x`, { timestamp: String(T), signature }, BODY, NOW)).toMatchObject({ valid: false });
    expect(verifyHookSignature(SECRET, { timestamp: String(T - 301), signature: hookSignature(SECRET, T - 301, BODY) }, BODY, NOW)).toEqual({
      valid: false,
      reason: "the timestamp is 301 s from now, beyond 300 s",
    });
    expect(verifyHookSignature(SECRET, { timestamp: undefined, signature }, BODY, NOW)).toMatchObject({ valid: false, reason: expect.stringMatching(/timestamp/) });
    expect(verifyHookSignature(SECRET, { timestamp: String(T), signature: undefined }, BODY, NOW)).toMatchObject({ valid: false, reason: expect.stringMatching(/missing/) });
    expect(verifyHookSignature(SECRET, { timestamp: String(T), signature: "v1=short" }, BODY, NOW)).toMatchObject({ valid: false });
  });
});
