import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import * as z from "zod/mini";
import { WITNESS_VOUCH_WITHIN_MS } from "@/core/policy/budgets";

/**
 * A witness's vouch for a primary: a NOTIFY on the primary itself, sent by
 * the witness after a probe of it succeeded, which the primary's agent
 * LISTENs for. It arrives only if the witness's link to the primary worked,
 * which is exactly what it vouches for. Any role that can connect to the
 * primary can NOTIFY on this channel too (PostgreSQL cannot restrict it), so
 * a vouch counts only when it is signed by a witness the control plane lists
 * for this primary, names this primary, is fresh, and is newer than the last
 * one from that witness (agents/README.md, "Witnesses").
 */
export const VOUCH_CHANNEL = "switchyard_witness";

/**
 * How a PostgreSQL primary's keeper tells its witnesses whether to vouch
 * (core/agents/vouch-demand.ts): shared session advisory locks of the
 * two-key form, which pg_locks shows to every role, held by the session that
 * LISTENs for the vouches, so they end with it (as would its hearing them).
 * `asksWhenNeeded` is held from the moment it LISTENs; `wanted` while it
 * wants vouches. A witness vouches unless the first is held and the second
 * is not: an agent from before vouches on demand holds neither and is
 * vouched for every probe, as before; a session that drops, or a keeper that
 * never decides, leaves witnesses vouching. Any role may take either lock,
 * and taking one only makes witnesses vouch more, save the first on a
 * primary whose agent is older, which stops vouches that only a control
 * plane outage would need.
 */
export const VOUCH_DEMAND_LOCK = { key: 1398359126, asksWhenNeeded: 1, wanted: 2 } as const;

/** Who a vouch comes from: a replica and its region. */
export interface Witness {
  replica: string;
  regionId: string;
}

/**
 * What a witness signs: the primary it reached, itself, a counter that only
 * goes up, and the moment (microseconds since the epoch on the primary's own
 * clock: it read the connection's start there) after which the vouch says
 * nothing any more.
 */
export interface VouchClaims {
  primary: string;
  witness: string;
  counter: number;
  notAfterUs: number;
}

const vouchSchema = z.strictObject({
  v: z.literal(1),
  primary: z.string().check(z.minLength(1), z.maxLength(128)),
  witness: z.string().check(z.minLength(1), z.maxLength(128)),
  counter: z.int().check(z.gte(1)),
  notAfterUs: z.int().check(z.gte(1)),
  sig: z.string().check(z.regex(/^[A-Za-z0-9_-]{86}$/)),
});

/** The bytes signed: a JSON array is unambiguous whatever characters the names hold. */
function signedBytes(claims: VouchClaims): Buffer {
  return Buffer.from(JSON.stringify(["switchyard-vouch/1", claims.primary, claims.witness, claims.counter, claims.notAfterUs]));
}

/** The NOTIFY payload: the claims and the witness's Ed25519 signature over them. */
export function signVouch(claims: VouchClaims, privateKey: KeyObject): string {
  return JSON.stringify({ v: 1, ...claims, sig: sign(null, signedBytes(claims), privateKey).toString("base64url") });
}

/** A roster entry as the keeper holds it: the witness's region and the key its vouches must verify under. */
export interface RosterKey {
  regionId: string;
  key: KeyObject;
}

/** A raw Ed25519 public key (base64url), as agents bind it and rosters carry it. */
export function witnessPublicKey(raw: string): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw }, format: "jwk" });
}

export interface VouchContext {
  /** This agent's primary, which a vouch must name. */
  self: Witness;
  /** The witnesses the control plane listed with the last grant, by replica name. */
  roster: ReadonlyMap<string, RosterKey>;
  /** The newest counter accepted from each witness. */
  counters: ReadonlyMap<string, number>;
  /** When the notification arrived, in microseconds on the local server's clock. */
  arrivedUs: number;
}

export type VouchVerdict =
  | { accepted: true; witness: string; counter: number; /** When the vouch counts from, on the local server's clock (µs): its arrival, or its end if that came first. */ atUs: number }
  | { accepted: false; reason: string };

/**
 * Whether a notification on the channel is a vouch this agent may count:
 * each check answers why not. A late vouch (the network held it back, or
 * someone replays one that was never delivered) counts only as of its own
 * end, so it renews nothing a timely one would not have.
 */
export function verifyVouch(payload: string | undefined, context: VouchContext): VouchVerdict {
  let parsed: z.infer<typeof vouchSchema>;
  try {
    const result = vouchSchema.safeParse(JSON.parse(payload ?? ""));
    if (!result.success) return { accepted: false, reason: "not a signed vouch" };
    parsed = result.data;
  } catch {
    return { accepted: false, reason: "not a signed vouch" };
  }
  const claims: VouchClaims = { primary: parsed.primary, witness: parsed.witness, counter: parsed.counter, notAfterUs: parsed.notAfterUs };
  if (claims.primary !== context.self.replica) return { accepted: false, reason: `it vouches for ${claims.primary}, not for ${context.self.replica}` };
  const listed = context.roster.get(claims.witness);
  if (!listed) return { accepted: false, reason: `${claims.witness} is not among the witnesses the control plane lists for ${context.self.replica}` };
  if (listed.regionId === context.self.regionId) return { accepted: false, reason: `${claims.witness} is in this replica's own region` };
  if (!verify(null, signedBytes(claims), listed.key, Buffer.from(parsed.sig, "base64url"))) {
    return { accepted: false, reason: `the signature does not verify under ${claims.witness}'s key` };
  }
  const last = context.counters.get(claims.witness);
  if (last !== undefined && claims.counter <= last) return { accepted: false, reason: `counter ${claims.counter} is not newer than ${last}, the last from ${claims.witness} (a replay)` };
  // A witness sets the end within WITNESS_VOUCH_WITHIN_MS of its probe's start; anything later is not a vouch it made.
  if (claims.notAfterUs > context.arrivedUs + (WITNESS_VOUCH_WITHIN_MS + 1000) * 1000) {
    return { accepted: false, reason: `it claims to hold until ${claims.notAfterUs} µs, further ahead than any witness sets` };
  }
  return { accepted: true, witness: claims.witness, counter: claims.counter, atUs: Math.min(context.arrivedUs, claims.notAfterUs) };
}
