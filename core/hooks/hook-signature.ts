import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How an `http` hook's receiver knows the call is the control plane's and
 * recent: `X-Switchyard-Signature: v1=<hex HMAC-SHA-256(secret, "<timestamp>.<body>")>`,
 * with the timestamp (Unix seconds) in `X-Switchyard-Timestamp`. Signing the
 * timestamp with the body lets a receiver refuse a replayed old call.
 */

export const SIGNATURE_HEADER = "x-switchyard-signature";
export const TIMESTAMP_HEADER = "x-switchyard-timestamp";
/** One per step attempt: a receiver that sees it twice (a retried transaction) may answer as it did the first time. */
export const DELIVERY_HEADER = "x-switchyard-delivery";
export const ENDPOINT_HEADER = "x-switchyard-endpoint";

/** How far a receiver should accept a timestamp from its own clock. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function hookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The headers a signed call carries (besides content-type). */
export function signedHeaders(secret: string, timestamp: number, body: string, delivery: string, endpoint: string): Record<string, string> {
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: hookSignature(secret, timestamp, body),
    [DELIVERY_HEADER]: delivery,
    [ENDPOINT_HEADER]: endpoint,
  };
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/** What a receiver does with a call: the body exactly as received, the two headers, and its own clock. */
export function verifyHookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: Date,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return { valid: false, reason: `${TIMESTAMP_HEADER} is missing or not Unix seconds` };
  if (!headers.signature) return { valid: false, reason: `${SIGNATURE_HEADER} is missing` };
  const timestamp = Number(headers.timestamp);
  const skew = Math.abs(now.getTime() / 1000 - timestamp);
  if (skew > toleranceSeconds) return { valid: false, reason: `the timestamp is ${Math.round(skew)} s from now, beyond ${toleranceSeconds} s` };
  const expected = Buffer.from(hookSignature(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false, reason: "the signature does not match the body and timestamp" };
  return { valid: true };
}
