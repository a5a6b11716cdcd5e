import { describe, expect, it } from "vitest";
import { FENCE_LEAD_MS, shortestPrimaryLeaseMs } from "@/core/policy/budgets";
import { renewalEveryIntervals } from "./lease-renewal";
import { decideVouchDemand, GRANT_LATE_AFTER_DUE_INTERVALS, SHORT_LEASE_INTERVALS, VOUCH_DEMAND_RULES, vouchDemandDueAt, type VouchDemandFacts } from "./vouch-demand";

const facts = (over: Partial<VouchDemandFacts> = {}): VouchDemandFacts => ({
  grant: { sentAt: 10_000, periodMs: 5_000 },
  now: 10_500,
  intervalMs: 1_000,
  leadMs: FENCE_LEAD_MS,
  ...over,
});

describe("whether a primary's keeper asks its witnesses to vouch", () => {
  it("asks without a grant this process received", () => {
    expect(decideVouchDemand(facts({ grant: null }))).toMatchObject({ id: "no-grant", ask: true });
    expect(vouchDemandDueAt(facts({ grant: null }))).toBeNull();
  });

  it("does not ask while grants arrive on time, and is due again when the next one is half an interval late", () => {
    // A 5 s lease at 1 s is renewed every 2 s (core/agents/lease-renewal.ts): late at 2.5 s.
    expect(decideVouchDemand(facts())).toMatchObject({ id: "grants-on-time", ask: false });
    expect(decideVouchDemand(facts({ now: 12_499 }))).toMatchObject({ id: "grants-on-time", ask: false });
    expect(vouchDemandDueAt(facts())).toBe(12_500);
    expect(decideVouchDemand(facts({ now: 12_500 }))).toMatchObject({ id: "grant-late", ask: true });
    expect(GRANT_LATE_AFTER_DUE_INTERVALS).toBe(0.5);
    // A lease renewed every interval: late at 1.5 intervals.
    const everyInterval = { sentAt: 10_000, periodMs: 3_750 };
    expect(vouchDemandDueAt(facts({ grant: everyInterval }))).toBe(11_500);
    expect(decideVouchDemand(facts({ grant: everyInterval, now: 11_499 }))).toMatchObject({ id: "grants-on-time", ask: false });
    expect(decideVouchDemand(facts({ grant: everyInterval, now: 11_500 }))).toMatchObject({ id: "grant-late", ask: true });
  });

  it("asks all along when the lease is shorter than 3½ intervals and the fence's lead", () => {
    const shortest = SHORT_LEASE_INTERVALS * 1_000 + FENCE_LEAD_MS;
    expect(decideVouchDemand(facts({ grant: { sentAt: 10_000, periodMs: shortest - 1 } }))).toMatchObject({ id: "short-lease", ask: true });
    expect(decideVouchDemand(facts({ grant: { sentAt: 10_000, periodMs: shortest } }))).toMatchObject({ id: "grants-on-time", ask: false });
  });

  it("leaves the witnesses time to vouch before a lease that is not short lapses: vouches start an interval after a late grant is noticed, before its fence starts", () => {
    for (const intervalMs of [250, 500, 1_000, 2_000, 5_000]) {
      const shortest = Math.max(SHORT_LEASE_INTERVALS * intervalMs + FENCE_LEAD_MS, shortestPrimaryLeaseMs({ intervalSeconds: intervalMs / 1000 }));
      for (let periodMs = shortest; periodMs <= 30 * intervalMs; periodMs += 50) {
        const noticedLateAt = vouchDemandDueAt(facts({ intervalMs, grant: { sentAt: 0, periodMs } }))!;
        const lastVouchAt = noticedLateAt + intervalMs;
        expect(lastVouchAt, `${periodMs} ms lease, ${intervalMs} ms interval`).toBeLessThan(periodMs - FENCE_LEAD_MS);
        // Renewed less often than every interval, they start at least an interval before the fence.
        if (renewalEveryIntervals(periodMs, intervalMs, FENCE_LEAD_MS) > 1) expect(lastVouchAt).toBeLessThanOrEqual(periodMs - FENCE_LEAD_MS - intervalMs);
      }
    }
  });

  it("has stable ids, one sentence each", () => {
    expect(VOUCH_DEMAND_RULES.map((rule) => rule.id)).toEqual(["no-grant", "short-lease", "grant-late", "grants-on-time"]);
    for (const rule of VOUCH_DEMAND_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });
});
