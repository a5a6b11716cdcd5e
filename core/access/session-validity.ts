/**
 * Whether a browser session still stands. A session is a signed cookie the
 * server cannot take back, so it carries two claims checked against the
 * store on every request: the user's session version when it was issued
 * (moved on sign-out, password change or reset, role change and disabling,
 * which ends every session of the user at once) and when its person signed
 * in (activity never extends a session past its absolute lifetime).
 */
export interface SessionClaims {
  /** The user's `sessionVersion` when the session was issued. */
  sv?: unknown;
  /** Sign-in time, in milliseconds since the epoch. */
  signedInAt?: unknown;
  /** Whatever else the session token holds. */
  [claim: string]: unknown;
}

export const SESSION_RULES = [
  { id: "session-claims", sentence: "A session without a version and a sign-in time (issued before sessions had them, or forged) is refused." },
  { id: "session-version", sentence: "A session issued before the user's sessions were last ended (sign-out, password change or reset, role change, disabling) is refused." },
  { id: "session-lifetime", sentence: "A session older than the absolute lifetime since its sign-in is refused, however recently it was used." },
] as const;

export type SessionRuleId = (typeof SESSION_RULES)[number]["id"];

const sentenceOf = (id: SessionRuleId) => SESSION_RULES.find((rule) => rule.id === id)!.sentence;

/** Why the session is refused, or null while it stands. */
export function sessionRefusal(
  claims: SessionClaims,
  user: { sessionVersion: number },
  now: Date,
  lifetimeMs: number,
): { rule: SessionRuleId; sentence: string } | null {
  const refuse = (rule: SessionRuleId) => ({ rule, sentence: sentenceOf(rule) });
  if (typeof claims.sv !== "number" || typeof claims.signedInAt !== "number" || !Number.isFinite(claims.signedInAt)) return refuse("session-claims");
  if (claims.sv !== user.sessionVersion) return refuse("session-version");
  // A sign-in time in the future is as wrong as one too far in the past.
  const age = now.getTime() - claims.signedInAt;
  if (age >= lifetimeMs || age < -60_000) return refuse("session-lifetime");
  return null;
}
