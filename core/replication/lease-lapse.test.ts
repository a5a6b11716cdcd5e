import { describe, expect, it } from "vitest";
import { ago, NOW } from "@/test/fixtures/automation-snapshot";
import { decideLease, type LeaseFacts } from "@/agents/primary-lease/lease-decision";
import { CLOCK_RATE_DRIFT, FENCE_LEAD_MS, FENCE_OVERRUN_MS, leaseLapseMarginMs, WITNESS_VOUCH_WITHIN_MS } from "../policy/budgets";
import { type GrantedLease, primaryLeaseLapse } from "./lease-lapse";
import type { WitnessLink } from "./witness-link";

const link = (from: string, regionId: string, fields: Partial<WitnessLink> = {}): WitnessLink => ({
  fromReplicaId: from,
  fromRegionId: regionId,
  toReplicaId: "p",
  reachable: false,
  unreachableSince: ago(10_000),
  observedAt: ago(500),
  ...fields,
});

const WITNESSES = ["pg-eu-west-1", "pg-europe-west3"];
const NAMES: Record<string, string> = { e: "pg-eu-west-1", g: "pg-europe-west3", x: "pg-westeurope", same: "pg-us-east-1b" };
const grantOf = (renewedMsAgo: number, witnesses = WITNESSES): GrantedLease => ({ renewedAt: ago(renewedMsAgo), periodMs: 5000, witnesses, lapseRecordedAt: null });

const lapse = (witnesses: WitnessLink[], grant: GrantedLease | null = grantOf(10_000)) =>
  primaryLeaseLapse({ primaryId: "p", primaryName: "pg-us-east-1", grant, witnesses, nameOf: (id) => NAMES[id], now: NOW, windowMs: 5000 });

describe("when the old primary's lease lapses", () => {
  it("is the control plane's grant plus the period and the margin when the witnesses stopped reaching it earlier", () => {
    const result = lapse([link("e", "aws:eu-west-1", { unreachableSince: ago(20_000) }), link("g", "gcp:europe-west3", { unreachableSince: ago(20_000) })], grantOf(3000));
    // 5 s measured on a clock up to 1 % slow: 51 ms; a fence overrunning the end: 250 ms.
    expect(result.lapsesAt).toEqual(new Date(NOW.getTime() - 3000 + 5000 + 51 + 250));
    expect(result.lapsesAt && "endsAt" in result && result.endsAt).toEqual(new Date(NOW.getTime() - 3000 + 5000));
  });

  it("waits out the latest failing witness's last possible vouch: its run of failures start, the vouch allowance, the period and the margin", () => {
    const result = lapse([link("e", "aws:eu-west-1", { unreachableSince: ago(4000) }), link("g", "gcp:europe-west3", { unreachableSince: ago(9000) })]);
    expect(result.lapsesAt).toEqual(new Date(NOW.getTime() - 4000 + 1000 + 5000 + 61 + 250));
  });

  it("cannot be known while a witness still reaches the primary", () => {
    expect(lapse([link("e", "aws:eu-west-1", { reachable: true, unreachableSince: null }), link("g", "gcp:europe-west3")])).toEqual({
      lapsesAt: null,
      sentence: "1 witness still reaches pg-us-east-1, which may keep its lease through them",
    });
  });

  it("cannot be known while a majority of witnesses could exist without a failing one (a silent witness may still vouch)", () => {
    const silent = link("e", "aws:eu-west-1", { observedAt: ago(60_000) });
    const result = lapse([silent, link("g", "gcp:europe-west3"), link("x", "azure:westeurope", { observedAt: ago(60_000) })], grantOf(10_000, [...WITNESSES, "pg-westeurope"]));
    expect(result).toEqual({ lapsesAt: null, sentence: "only 1 of pg-us-east-1's 3 witnesses in other regions fail to reach it: a majority without them could still renew its lease" });
  });

  it("counts only the witnesses its agent counted when it was last granted, whoever else probes it", () => {
    const result = lapse([link("e", "aws:eu-west-1"), link("g", "gcp:europe-west3"), link("same", "aws:us-east-1", { reachable: true, unreachableSince: null })]);
    expect(result.lapsesAt).not.toBeNull();
  });

  it("has already lapsed for a primary that never held one", () => {
    expect(lapse([], null)).toEqual({ lapsesAt: new Date(0), endsAt: new Date(0), sentence: "pg-us-east-1 never held a lease" });
  });

  it("goes by the period of the last grant, not by today's policy", () => {
    const result = lapse([link("e", "aws:eu-west-1", { unreachableSince: ago(60_000) }), link("g", "gcp:europe-west3", { unreachableSince: ago(60_000) })], { ...grantOf(10_000), periodMs: 30_000 });
    expect(result.lapsesAt).toEqual(new Date(NOW.getTime() - 10_000 + 30_000 + 304 + 250));
  });
});

/**
 * The agent's side of the same lease, replayed on the store's clock: the
 * agent's clock runs `rate` times the store's (1 ± CLOCK_RATE_DRIFT), it
 * starts counting when it sent its request (or when the vouch arrived), no
 * later than the control plane's own start, and its fence, started when
 * decideLease stops holding the lease, takes at most FENCE_LEAD_MS +
 * FENCE_OVERRUN_MS to be in force.
 */
function fenceInForceOnStoreClock(periodMs: number, rate: number, countedFromMs: number): number {
  const facts: LeaseFacts = {
    now: 0,
    server: { role: "primary", readOnly: false },
    grant: { sentAt: 0, periodMs, restored: false },
    refusal: null,
    notOffered: false,
    graceUntil: 0,
    witnesses: [],
    vouches: new Map(),
    selfFenced: false,
    leadMs: FENCE_LEAD_MS,
  };
  const fenceStartsAtAgentMs = decideLease(facts).until!;
  expect(decideLease({ ...facts, now: fenceStartsAtAgentMs })).toMatchObject({ held: false, action: "fence" });
  return countedFromMs + fenceStartsAtAgentMs / rate + FENCE_LEAD_MS + FENCE_OVERRUN_MS;
}

describe("the lapse bound against the agent's self-fence (one error budget)", () => {
  const witnessesFailing = (sinceMsAgo: number) => [link("e", "aws:eu-west-1", { unreachableSince: ago(sinceMsAgo) }), link("g", "gcp:europe-west3", { unreachableSince: ago(sinceMsAgo) })];

  for (const periodMs of [500, 2_200, 5_000, 60_000]) {
    for (const rate of [1 - CLOCK_RATE_DRIFT, 1, 1 + CLOCK_RATE_DRIFT]) {
      it(`a ${periodMs} ms lease on an agent clock running at ${rate} of the store's is fenced before the control plane's lapse, by the control plane's grant`, () => {
        const renewedAt = NOW.getTime() - 100_000;
        const result = lapse(witnessesFailing(200_000), { ...grantOf(100_000), periodMs });
        expect(fenceInForceOnStoreClock(periodMs, rate, renewedAt)).toBeLessThanOrEqual(result.lapsesAt!.getTime());
      });

      it(`a ${periodMs} ms lease on an agent clock running at ${rate} of the store's is fenced before the control plane's lapse, by a witness's last vouch`, () => {
        const since = NOW.getTime() - 100_000;
        const result = lapse(witnessesFailing(100_000), { ...grantOf(200_000), periodMs });
        // The last vouch counts from the end the witness set at most WITNESS_VOUCH_WITHIN_MS (on its own drifting clock) after its probe started, before `since`.
        const vouchCountsFrom = since + WITNESS_VOUCH_WITHIN_MS / rate;
        expect(fenceInForceOnStoreClock(periodMs, rate, vouchCountsFrom)).toBeLessThanOrEqual(result.lapsesAt!.getTime());
      });
    }
  }

  it("would be broken by a margin that left out the clocks' drift", () => {
    const periodMs = 60_000;
    const slow = fenceInForceOnStoreClock(periodMs, 1 - CLOCK_RATE_DRIFT, 0);
    expect(slow).toBeGreaterThan(periodMs + FENCE_OVERRUN_MS);
    expect(slow).toBeLessThanOrEqual(periodMs + leaseLapseMarginMs(periodMs));
  });

  it("would be broken by a margin that left out the fence's overrun", () => {
    const periodMs = 5_000;
    expect(fenceInForceOnStoreClock(periodMs, 1, 0)).toBeGreaterThan(periodMs + leaseLapseMarginMs(periodMs) - FENCE_OVERRUN_MS);
  });
});
