/**
 * How failed sign-ins are held back, as a table. Each row counts failures
 * under its own key (an account from one address, one address across
 * accounts, one account from anywhere); a row may hold further attempts back
 * and says when operators are alerted. No row shuts an account for everyone:
 * a stranger's guesses slow down only the stranger's address.
 *
 * An attempt is counted as a failure when it is reserved, before its password
 * is compared, so parallel guesses see each other; a success gives its
 * reservation back.
 */

export type SignInLimitId = "account-address-backoff" | "address-lock" | "account-failures";
export type SignInScope = "account-address" | "address" | "account";

export type Holding =
  /** From the `freeFailures`-th failure on, each further attempt waits base × 2^(failures − free), at most maxMs. */
  | { kind: "backoff"; freeFailures: number; baseMs: number; maxMs: number }
  /** At `maxFailures` failures the key is refused for lockMs. */
  | { kind: "lock"; maxFailures: number; lockMs: number };

export interface SignInLimit {
  id: SignInLimitId;
  scope: SignInScope;
  /** Counting starts again this long after a key's first failure (once it holds nothing back). */
  windowMs: number;
  holding: Holding | null;
  /** Failures within a window at which operators are alerted, once per window. */
  alertAt: number;
  sentence: string;
}

const MINUTE = 60_000;

export const SIGN_IN_LIMITS: readonly SignInLimit[] = [
  {
    id: "account-address-backoff",
    scope: "account-address",
    windowMs: 24 * 60 * MINUTE,
    holding: { kind: "backoff", freeFailures: 5, baseMs: 30_000, maxMs: 15 * MINUTE },
    alertAt: 5,
    sentence:
      "After 5 failed sign-ins to one account from one address, that address waits before each further try of that account, twice as long each time (30 s, 1 min, 2 min … at most 15 min); other addresses are not held back, and a success starts over.",
  },
  {
    id: "address-lock",
    scope: "address",
    windowMs: 15 * MINUTE,
    holding: { kind: "lock", maxFailures: 20, lockMs: 15 * MINUTE },
    alertAt: 20,
    sentence: "After 20 failed sign-ins from one address within 15 minutes, whatever the accounts, that address may not try again for 15 minutes.",
  },
  {
    id: "account-failures",
    scope: "account",
    windowMs: 15 * MINUTE,
    holding: null,
    alertAt: 20,
    sentence: "20 failed sign-ins to one account within 15 minutes, from any addresses, alert the operators; the account stays open to its owner.",
  },
];

/** What is stored per key. `failures` includes attempts reserved and not yet decided. */
export interface KeyState {
  failures: number;
  windowStartsAt: Date;
  heldUntil: Date | null;
  /** When this window's alert was raised, if it was. */
  alertedAt: Date | null;
}

export interface LimitKey {
  limit: SignInLimit;
  key: string;
}

/** The address part of a key when the address is unknown (no trusted peer address). */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * The keys an attempt counts under, sorted so that every caller locks them in
 * the same order. Without a known address, the per-address row does not
 * apply and account-and-address becomes the account from unknown addresses.
 */
export function signInKeys(email: string, address: string | null): LimitKey[] {
  const keyOf: Record<SignInScope, string | null> = {
    "account-address": `account-address:${email}|${address ?? UNKNOWN_ADDRESS}`,
    address: address ? `address:${address}` : null,
    account: `account:${email}`,
  };
  return SIGN_IN_LIMITS.flatMap((limit) => {
    const key = keyOf[limit.scope];
    return key ? [{ limit, key }] : [];
  }).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Milliseconds the key holds attempts back from `now`, or 0. */
export function heldMs(state: KeyState | null, now: Date): number {
  return state?.heldUntil ? Math.max(0, state.heldUntil.getTime() - now.getTime()) : 0;
}

function heldUntilAfter(failures: number, holding: Holding | null, now: Date): Date | null {
  if (!holding) return null;
  if (holding.kind === "lock") return failures >= holding.maxFailures ? new Date(now.getTime() + holding.lockMs) : null;
  if (failures < holding.freeFailures) return null;
  const delay = Math.min(holding.maxMs, holding.baseMs * 2 ** (failures - holding.freeFailures));
  return new Date(now.getTime() + delay);
}

/** The state after reserving one attempt under a key that holds nothing back now. */
export function reserveAttempt(state: KeyState | null, limit: SignInLimit, now: Date): KeyState {
  const windowOpen = state !== null && now.getTime() - state.windowStartsAt.getTime() < limit.windowMs;
  const failures = windowOpen ? state.failures + 1 : 1;
  return {
    failures,
    windowStartsAt: windowOpen ? state.windowStartsAt : now,
    heldUntil: heldUntilAfter(failures, limit.holding, now),
    alertedAt: windowOpen ? state.alertedAt : null,
  };
}

/**
 * The state after a reserved attempt turned out not to be a failure (it
 * succeeded, or was never compared): the reservation is given back. Null
 * means the key can go: a success clears an account's backoff from that
 * address. A backoff holds only while one attempt is in flight, so giving
 * that attempt back ends the hold; a lock stays only if the other failures
 * reach it on their own.
 */
export function releaseAttempt(state: KeyState, limit: SignInLimit, options: { succeeded: boolean }): KeyState | null {
  if (options.succeeded && limit.holding?.kind === "backoff") return null;
  const failures = Math.max(0, state.failures - 1);
  const holding = limit.holding;
  const stillLocked = holding?.kind === "lock" && failures >= holding.maxFailures;
  return { ...state, failures, heldUntil: stillLocked ? state.heldUntil : null };
}

/** Whether this failure is the one that raises the window's alert. */
export function raisesAlert(state: KeyState, limit: SignInLimit): boolean {
  return state.failures >= limit.alertAt && (state.alertedAt === null || state.alertedAt < state.windowStartsAt);
}

/** When a key's row may be deleted: its window is over and it holds nothing back. */
export function expiresAt(state: KeyState, limit: SignInLimit): Date {
  const windowEnds = state.windowStartsAt.getTime() + limit.windowMs;
  return new Date(Math.max(windowEnds, state.heldUntil?.getTime() ?? 0));
}

export type AttemptDecision =
  | { allowed: true; next: KeyState[] }
  | { allowed: false; limit: SignInLimit; key: string; retryAfterMs: number };

/**
 * Decides an attempt over the current state of its keys (in `keys` order):
 * refused by the key held longest, or allowed with every key's reserved state.
 */
export function decideAttempt(keys: readonly LimitKey[], states: readonly (KeyState | null)[], now: Date): AttemptDecision {
  let refusal: { index: number; ms: number } | null = null;
  for (const [index, state] of states.entries()) {
    const ms = heldMs(state, now);
    if (ms > 0 && (!refusal || ms > refusal.ms)) refusal = { index, ms };
  }
  if (refusal) {
    const { limit, key } = keys[refusal.index]!;
    return { allowed: false, limit, key, retryAfterMs: refusal.ms };
  }
  return { allowed: true, next: keys.map(({ limit }, index) => reserveAttempt(states[index] ?? null, limit, now)) };
}

export function limitById(id: SignInLimitId): SignInLimit {
  const limit = SIGN_IN_LIMITS.find((row) => row.id === id);
  if (!limit) throw new Error(`no sign-in limit ${id}`);
  return limit;
}

/** "Too many failed sign-ins … Try again in 2 minutes." for a refusal. */
export function refusalMessage(retryAfterMs: number): string {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const wait = seconds < 60 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? "" : "s"}`;
  return `Too many failed sign-ins from your address. Try again in ${wait}.`;
}

/** A key reaching its limit's alert threshold. */
export interface Lockout {
  limit: SignInLimit;
  key: string;
  failures: number;
  since: Date;
  heldUntil: Date | null;
  email: string;
  address: string | null;
}

/** What operators are told when a key reaches its alert threshold. */
export function lockoutSentence(lockout: Lockout): string {
  const from = lockout.address ?? "unknown addresses";
  const until = lockout.heldUntil ? lockout.heldUntil.toISOString() : null;
  switch (lockout.limit.scope) {
    case "account-address":
      return `${lockout.failures} failed sign-ins to ${lockout.email} from ${from}; that address waits before each further try (next at ${until ?? "once the window ends"}), other addresses are not held back`;
    case "address":
      return `${lockout.failures} failed sign-ins from ${from} across accounts (the last to ${lockout.email}); that address is refused until ${until ?? "the window ends"}`;
    case "account":
      return `${lockout.failures} failed sign-ins to ${lockout.email} since ${lockout.since.toISOString()}, from any addresses (the last from ${from}); the account stays open to its owner`;
  }
}
