import { describe, expect, it } from "vitest";
import {
  decideAttempt,
  expiresAt,
  heldMs,
  limitById,
  raisesAlert,
  refusalMessage,
  releaseAttempt,
  reserveAttempt,
  SIGN_IN_LIMITS,
  signInKeys,
  type KeyState,
  type SignInLimit,
} from "./sign-in-limits";

const t = (seconds: number) => new Date(Date.UTC(2026, 10, 26, 4, 0, 0) + seconds * 1000);
const backoff = limitById("account-address-backoff");
const lock = limitById("address-lock");
const account = limitById("account-failures");

/** Failures one after another at the given times, each reserved and kept. */
function failures(limit: SignInLimit, times: number[]): KeyState | null {
  return times.reduce<KeyState | null>((state, at) => reserveAttempt(state, limit, t(at)), null);
}

describe("the sign-in limits table", () => {
  it("is well formed: unique ids, one row per scope, a sentence each, alerts no later than holding", () => {
    expect(new Set(SIGN_IN_LIMITS.map((limit) => limit.id)).size).toBe(SIGN_IN_LIMITS.length);
    expect(new Set(SIGN_IN_LIMITS.map((limit) => limit.scope)).size).toBe(SIGN_IN_LIMITS.length);
    for (const limit of SIGN_IN_LIMITS) {
      expect(limit.sentence, limit.id).toMatch(/^[A-Z0-9].+\.$/);
      expect(limit.alertAt, limit.id).toBeGreaterThan(0);
      if (limit.holding?.kind === "lock") expect(limit.alertAt).toBeLessThanOrEqual(limit.holding.maxFailures);
      if (limit.holding?.kind === "backoff") expect(limit.alertAt).toBeLessThanOrEqual(limit.holding.freeFailures);
    }
  });

  it("never holds an account back for every address: the only per-account row holds nothing", () => {
    expect(SIGN_IN_LIMITS.filter((limit) => limit.scope === "account").every((limit) => limit.holding === null)).toBe(true);
  });
});

describe("signInKeys", () => {
  it("names the account from this address, the address, and the account, sorted", () => {
    expect(signInKeys("a@x.test", "203.0.113.9").map((entry) => entry.key)).toEqual([
      "account-address:a@x.test|203.0.113.9",
      "account:a@x.test",
      "address:203.0.113.9",
    ]);
  });

  it("without an address, has no per-address key and counts the account from unknown addresses", () => {
    expect(signInKeys("a@x.test", null).map((entry) => entry.key)).toEqual(["account-address:a@x.test|unknown", "account:a@x.test"]);
  });
});

describe("account-and-address backoff", () => {
  it("lets the first four failures through without waiting", () => {
    expect(heldMs(failures(backoff, [0, 1, 2, 3]), t(3))).toBe(0);
  });

  it("waits 30 s after the fifth failure, doubling after each further one, at most 15 minutes", () => {
    expect(heldMs(failures(backoff, [0, 1, 2, 3, 4]), t(4))).toBe(30_000);
    expect(heldMs(failures(backoff, [0, 1, 2, 3, 4, 40]), t(40))).toBe(60_000);
    expect(heldMs(failures(backoff, [0, 1, 2, 3, 4, 40, 110]), t(110))).toBe(120_000);
    const many = failures(backoff, Array.from({ length: 20 }, (_, index) => index * 1000));
    expect(heldMs(many, t(19_000))).toBe(15 * 60_000);
  });

  it("starts over after a success", () => {
    expect(releaseAttempt(failures(backoff, [0, 1, 2, 3, 4])!, backoff, { succeeded: true })).toBeNull();
  });

  it("gives a reservation back that was never compared, ending the hold it started", () => {
    const released = releaseAttempt(failures(backoff, [0, 1, 2, 3, 4])!, backoff, { succeeded: false });
    expect(released).toMatchObject({ failures: 4, heldUntil: null });
  });
});

describe("address lock", () => {
  it("locks for 15 minutes at the twentieth failure within the window", () => {
    const nineteen = failures(lock, Array.from({ length: 19 }, (_, index) => index));
    expect(heldMs(nineteen, t(19))).toBe(0);
    expect(heldMs(reserveAttempt(nineteen, lock, t(19)), t(19))).toBe(15 * 60_000);
  });

  it("counts again from one after the window", () => {
    expect(failures(lock, [0, 1, 15 * 60])).toMatchObject({ failures: 1, windowStartsAt: t(15 * 60) });
  });

  it("a success gives back its reservation and the lock it alone caused", () => {
    const twenty = failures(lock, Array.from({ length: 20 }, (_, index) => index))!;
    expect(releaseAttempt(twenty, lock, { succeeded: true })).toMatchObject({ failures: 19, heldUntil: null });
  });

  it("a success does not lift a lock the other failures reach on their own", () => {
    const twentyOne = { ...failures(lock, Array.from({ length: 20 }, (_, index) => index))!, failures: 21 };
    expect(releaseAttempt(twentyOne, lock, { succeeded: true })?.heldUntil).toEqual(twentyOne.heldUntil);
  });
});

describe("decideAttempt", () => {
  const keys = signInKeys("a@x.test", "203.0.113.9");
  const stateFor = (scope: string, state: KeyState | null) => keys.map((entry) => (entry.limit.scope === scope ? state : null));

  it("reserves an attempt under every key when none holds", () => {
    const decision = decideAttempt(keys, [null, null, null], t(0));
    expect(decision.allowed).toBe(true);
    if (decision.allowed) expect(decision.next.map((state) => state.failures)).toEqual([1, 1, 1]);
  });

  it("refuses by the key held longest and says for how long", () => {
    const locked = failures(lock, Array.from({ length: 20 }, (_, index) => index));
    const decision = decideAttempt(keys, stateFor("address", locked), t(20));
    expect(decision).toMatchObject({ allowed: false, key: "address:203.0.113.9", retryAfterMs: 15 * 60_000 - 1000 });
  });

  it("parallel attempts each see the others' reservations: no more than five pass before the backoff", () => {
    let states: (KeyState | null)[] = [null, null, null];
    let allowed = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      const decision = decideAttempt(keys, states, t(0));
      if (!decision.allowed) continue;
      allowed++;
      states = decision.next;
    }
    expect(allowed).toBe(5);
  });
});

describe("alerts and expiry", () => {
  it("raises the alert once per window, at the threshold", () => {
    const four = failures(backoff, [0, 1, 2, 3])!;
    expect(raisesAlert(four, backoff)).toBe(false);
    const five = reserveAttempt(four, backoff, t(4));
    expect(raisesAlert(five, backoff)).toBe(true);
    expect(raisesAlert({ ...five, alertedAt: t(4) }, backoff)).toBe(false);
    const nextWindow = reserveAttempt({ ...five, alertedAt: t(4), heldUntil: null }, account, t(16 * 60));
    expect(nextWindow.alertedAt).toBeNull();
  });

  it("expires a key when its window ends, or its hold if that is later", () => {
    expect(expiresAt(failures(account, [0])!, account)).toEqual(t(15 * 60));
    const locked = failures(lock, Array.from({ length: 20 }, (_, index) => index * 30))!;
    expect(expiresAt(locked, lock)).toEqual(t(19 * 30 + 15 * 60));
  });

  it("says how long to wait in words", () => {
    expect(refusalMessage(30_000)).toBe("Too many failed sign-ins from your address. Try again in 30 seconds.");
    expect(refusalMessage(61_000)).toBe("Too many failed sign-ins from your address. Try again in 2 minutes.");
    expect(refusalMessage(1)).toBe("Too many failed sign-ins from your address. Try again in 1 second.");
  });
});
