import "server-only";
import {
  decideAttempt,
  expiresAt,
  raisesAlert,
  refusalMessage,
  releaseAttempt,
  signInKeys,
  type KeyState,
  type LimitKey,
  type Lockout,
} from "@/core/access/sign-in-limits";
import type { AuditAction } from "@/contracts/audit";
import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { RateLimitedError } from "../errors";
import { queueLockoutNotifications } from "./lockout-notifications";

/** Every check of a password someone typed: signing in, asking for a token, proving the current password to change it. */
export type SignInAction = Extract<AuditAction, "auth.sign_in" | "token.issue" | "user.password_change">;

/** An attempt counted under its keys before its password is compared. */
export interface Reservation {
  email: string;
  address: string | null;
  action: SignInAction;
  keys: LimitKey[];
}

interface Row {
  key: string;
  failures: number;
  windowStartsAt: Date;
  lockedUntil: Date | null;
  alertedAt: Date | null;
  refusals: number;
}

const stateOf = (row: Row | undefined): KeyState | null =>
  row && row.failures > 0 ? { failures: row.failures, windowStartsAt: row.windowStartsAt, heldUntil: row.lockedUntil, alertedAt: row.alertedAt } : null;

// Sign-ins wait for each other on the same keys and for the audit chain's lock.
const TRANSACTION = { maxWait: 10_000, timeout: 15_000 };

/** Locks the attempt's rows (creating them), always in key order so that concurrent attempts never deadlock. */
async function lockRows(tx: Tx, keys: readonly LimitKey[], now: Date): Promise<Map<string, Row>> {
  for (const { key } of keys) {
    await tx.$executeRaw`INSERT INTO "SignInThrottle" (key, failures, "windowStartsAt", "expiresAt") VALUES (${key}, 0, ${now}, ${now}) ON CONFLICT (key) DO NOTHING`;
  }
  const rows = await tx.$queryRaw<Row[]>`
    SELECT key, failures, "windowStartsAt", "lockedUntil", "alertedAt", refusals FROM "SignInThrottle"
     WHERE key = ANY(${keys.map(({ key }) => key)}::text[]) ORDER BY key FOR UPDATE`;
  return new Map(rows.map((row) => [row.key, row]));
}

async function writeState(tx: Tx, { key, limit }: LimitKey, state: KeyState, extra: { alertedAt?: Date } = {}): Promise<void> {
  await tx.signInThrottle.update({
    where: { key },
    data: {
      failures: state.failures,
      windowStartsAt: state.windowStartsAt,
      lockedUntil: state.heldUntil,
      alertedAt: extra.alertedAt ?? state.alertedAt,
      expiresAt: expiresAt(state, limit),
    },
  });
}

function auditActor(reservation: Pick<Reservation, "email" | "address">, userId: string | null) {
  return { type: "user" as const, id: userId, label: reservation.email, ip: reservation.address };
}

/**
 * Counts an attempt under each of its keys, atomically, before any password
 * is compared: of parallel guesses, only as many pass as the limits allow.
 * A refused attempt is counted on the key that refused it; the first refusal
 * of a hold is audited here, in the same transaction, and the rest are summed
 * up later by upkeep (summarizeSignInRefusals), so a flood of refused
 * attempts does not queue on the audit chain's lock.
 */
export async function reserveSignInAttempt(input: { email: string; address: string | null; action: SignInAction }, now = new Date()): Promise<Reservation> {
  const keys = signInKeys(input.email, input.address);
  const refusal = await db().$transaction(async (tx) => {
    const rows = await lockRows(tx, keys, now);
    const decision = decideAttempt(keys, keys.map(({ key }) => stateOf(rows.get(key))), now);
    if (!decision.allowed) {
      const row = rows.get(decision.key)!;
      await tx.signInThrottle.update({ where: { key: decision.key }, data: { refusals: { increment: 1 }, refusedSince: row.refusals === 0 ? now : undefined } });
      if (row.refusals === 0) {
        await appendAuditEvents(tx, [
          {
            actor: auditActor(input, null),
            action: input.action,
            target: { type: "user", id: null },
            outcome: "failure",
            reason: "throttled",
            details: { email: input.email, limit: decision.limit.id, retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000), furtherRefusalsSummarized: true },
          },
        ]);
      }
      return decision;
    }
    for (const [index, entry] of keys.entries()) await writeState(tx, entry, decision.next[index]!);
    return null;
  }, TRANSACTION);
  if (refusal) throw new RateLimitedError(refusalMessage(refusal.retryAfterMs), Math.ceil(refusal.retryAfterMs / 1000));
  return { ...input, keys };
}

/**
 * The reserved attempt failed: it stays counted, and is audited with its
 * reason in the same transaction that raises any alert its count reaches
 * (an `auth.lockout` event, and a notification to every alert webhook).
 */
export async function recordSignInFailure(
  reservation: Reservation,
  failure: { reason: string; userId: string | null },
  now = new Date(),
): Promise<void> {
  await db().$transaction(async (tx) => {
    const rows = await lockRows(tx, reservation.keys, now);
    const events: AuditEventInput[] = [
      {
        actor: auditActor(reservation, failure.userId),
        action: reservation.action,
        target: { type: "user", id: failure.userId },
        outcome: "failure",
        reason: failure.reason,
        details: { email: reservation.email },
      },
    ];
    const lockouts: Lockout[] = [];
    for (const entry of reservation.keys) {
      const state = stateOf(rows.get(entry.key));
      if (!state || !raisesAlert(state, entry.limit)) continue;
      await writeState(tx, entry, state, { alertedAt: now });
      const lockout = { limit: entry.limit, key: entry.key, failures: state.failures, since: state.windowStartsAt, heldUntil: state.heldUntil, email: reservation.email, address: reservation.address };
      lockouts.push(lockout);
      events.push({
        actor: { type: "system", id: null, label: "sign-in limits" },
        action: "auth.lockout",
        target: { type: "sign_in_key", id: entry.key },
        reason: entry.limit.id,
        details: { limit: entry.limit.id, sentence: entry.limit.sentence, failures: state.failures, since: state.windowStartsAt, heldUntil: state.heldUntil, email: reservation.email, address: reservation.address },
      });
    }
    // Audit last, so that the chain's lock is held briefly.
    await queueLockoutNotifications(tx, lockouts, now);
    await appendAuditEvents(tx, events);
  }, TRANSACTION);
}

/**
 * The reserved attempt was not a failure: it succeeded (which also ends the
 * account's backoff from that address) or its password was never compared.
 */
export async function releaseSignInAttempt(reservation: Reservation, options: { succeeded: boolean }, now = new Date()): Promise<void> {
  await db().$transaction(async (tx) => {
    const rows = await lockRows(tx, reservation.keys, now);
    for (const entry of reservation.keys) {
      const state = stateOf(rows.get(entry.key));
      const next = state && releaseAttempt(state, entry.limit, options);
      if (next && next.failures > 0) await writeState(tx, entry, next);
      else if ((rows.get(entry.key)?.refusals ?? 0) === 0) await tx.signInThrottle.delete({ where: { key: entry.key } });
      else await tx.signInThrottle.update({ where: { key: entry.key }, data: { failures: 0, lockedUntil: null } });
    }
  }, TRANSACTION);
}
