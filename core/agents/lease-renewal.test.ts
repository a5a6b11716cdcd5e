import { describe, expect, it } from "vitest";
import { FENCE_LEAD_MS, shortestPrimaryLeaseMs } from "@/core/policy/budgets";
import { decideRenewal, RENEWAL_ATTEMPTS_BEFORE_FENCE, RENEWAL_RULES, renewalAt, renewalEveryIntervals, type RenewalFacts } from "./lease-renewal";

const facts = (over: Partial<RenewalFacts> = {}): RenewalFacts => ({
  grant: { sentAt: 10_000, periodMs: 5_000 },
  now: 10_020,
  intervalMs: 1_000,
  leadMs: FENCE_LEAD_MS,
  ...over,
});

/** Every interval a policy may set with every lease it may set (the policy refuses leases shorter than shortestPrimaryLeaseMs). */
function* leases(): Generator<{ intervalMs: number; periodMs: number }> {
  for (const intervalMs of [100, 250, 500, 750, 1_000, 1_500, 2_000, 5_000, 10_000]) {
    const shortest = shortestPrimaryLeaseMs({ intervalSeconds: intervalMs / 1000 });
    for (let periodMs = shortest; periodMs <= 30 * intervalMs; periodMs += 50) yield { intervalMs, periodMs };
  }
}

describe("when a primary's keeper renews its lease", () => {
  it("asks every 2 s under the demo policy (1 s interval, 5 s lease), every interval under the fast policy", () => {
    expect(renewalEveryIntervals(5_000, 1_000, FENCE_LEAD_MS)).toBe(2);
    // The fast policy of bench/support/fast-failover-policy.ts: 0.5 s, a 2.2 s lease.
    expect(renewalEveryIntervals(2_200, 500, FENCE_LEAD_MS)).toBe(1);
    // Patroni's ttl 10 with loop_wait 2, as a policy: every 4 s, attempts at 4, 6 and 8 s before the fence at 9.75 s.
    expect(renewalEveryIntervals(10_000, 2_000, FENCE_LEAD_MS)).toBe(2);
  });

  it("leaves three renewals an interval apart, the last half an interval before the fence, for every lease a policy may set", () => {
    expect(RENEWAL_ATTEMPTS_BEFORE_FENCE).toBe(3);
    for (const { intervalMs, periodMs } of leases()) {
      const every = renewalEveryIntervals(periodMs, intervalMs, FENCE_LEAD_MS);
      expect(every).toBeGreaterThanOrEqual(1);
      if (every === 1) continue;
      const fenceAt = periodMs - FENCE_LEAD_MS;
      const lastAttemptAt = (every + RENEWAL_ATTEMPTS_BEFORE_FENCE - 1) * intervalMs;
      expect(lastAttemptAt, `${periodMs} ms lease, ${intervalMs} ms interval`).toBeLessThanOrEqual(fenceAt - intervalMs / 2);
      // As late as that allows: one interval later would leave the last attempt too close to the fence.
      expect(lastAttemptAt + intervalMs).toBeGreaterThan(fenceAt - intervalMs / 2);
    }
  });

  it("never asks less often than every interval for a lease too short to leave three attempts", () => {
    expect(renewalEveryIntervals(shortestPrimaryLeaseMs({ intervalSeconds: 1 }), 1_000, FENCE_LEAD_MS)).toBe(1);
    expect(renewalEveryIntervals(4_749, 1_000, FENCE_LEAD_MS)).toBe(1);
    expect(renewalEveryIntervals(4_750, 1_000, FENCE_LEAD_MS)).toBe(2);
  });

  it("asks every interval without a grant this process holds", () => {
    expect(decideRenewal(facts({ grant: null }))).toMatchObject({ id: "no-grant", renew: true });
  });

  it("waits while the grant is fresh and asks once its renewal falls due, half an interval early for a timer that fires early", () => {
    expect(renewalAt(facts().grant!, 1_000, FENCE_LEAD_MS)).toBe(12_000);
    expect(decideRenewal(facts({ now: 11_499 }))).toMatchObject({ id: "grant-fresh", renew: false });
    expect(decideRenewal(facts({ now: 11_500 }))).toMatchObject({ id: "grant-due", renew: true });
    // Unanswered, it stays due: the next tick, an interval on, asks again.
    expect(decideRenewal(facts({ now: 12_500 }))).toMatchObject({ id: "grant-due", renew: true });
    // Every interval when the lease leaves no room: due half an interval after the request.
    expect(decideRenewal(facts({ grant: { sentAt: 10_000, periodMs: 2_250 }, now: 10_499 }))).toMatchObject({ id: "grant-fresh" });
    expect(decideRenewal(facts({ grant: { sentAt: 10_000, periodMs: 2_250 }, now: 10_500 }))).toMatchObject({ id: "grant-due" });
  });

  it("has stable ids, one sentence each", () => {
    expect(RENEWAL_RULES.map((rule) => rule.id)).toEqual(["no-grant", "grant-due", "grant-fresh"]);
    for (const rule of RENEWAL_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });
});
