/**
 * When a primary's lease keeper asks the control plane to renew its lease.
 * How often it asks decides nothing about safety: the agent counts a grant
 * from when it sent the request, so its lease ends before the control
 * plane's however old the grant is (core/replication/lease-lapse.ts counts
 * the control plane's end from the grant it recorded). It decides how many
 * renewals can be lost in a row before a healthy primary fences itself: the
 * false-fence budget.
 *
 * The budget: RENEWAL_ATTEMPTS_BEFORE_FENCE renewals, one interval apart,
 * the last sent at least half an interval before the fence starts (its
 * answer usually takes milliseconds; its timeout is an interval); the first
 * of them is due N intervals after the grant's request was sent, where N is
 * as large as that allows and at least one. A renewal that fails is tried
 * again every interval. So with the demo policy (a 1 s interval and a 5 s
 * lease, fence 250 ms ahead) the keeper asks every 2 s and three renewals
 * in a row (at 2, 3 and 4 s) may fail before the fence at 4.75 s; with the
 * fast policy (0.5 s and 2.2 s), or any lease shorter than 4½ intervals and
 * the lead, it asks every interval, as it always did. Witnesses are asked to
 * vouch half an interval after a due renewal went unanswered
 * (core/agents/vouch-demand.ts), and vouch within an interval, so their
 * vouches still start an interval before the fence at the latest.
 */

/** Renewals, an interval apart, the keeper leaves itself between the first one due and the fence. */
export const RENEWAL_ATTEMPTS_BEFORE_FENCE = 3;

/** How many intervals after a grant's request the next renewal is due: at least one, and early enough to leave RENEWAL_ATTEMPTS_BEFORE_FENCE before the fence. */
export function renewalEveryIntervals(periodMs: number, intervalMs: number, leadMs: number): number {
  const lastAttempt = Math.floor((periodMs - leadMs) / intervalMs - 0.5);
  return Math.max(1, lastAttempt - RENEWAL_ATTEMPTS_BEFORE_FENCE + 1);
}

export interface RenewalFacts {
  /** The last grant this process received, however old: when its request was sent (monotonic ms) and its period. Null when there is none, or only one remembered from before a restart, or the latest answer refused. */
  grant: { sentAt: number; periodMs: number } | null;
  now: number;
  intervalMs: number;
  leadMs: number;
}

export interface RenewalRule {
  id: string;
  when: (facts: RenewalFacts) => boolean;
  renew: boolean;
  sentence: string;
}

/** When the keeper means to renew the grant, on the monotonic clock: renewalEveryIntervals after its request. */
export function renewalAt(grant: NonNullable<RenewalFacts["grant"]>, intervalMs: number, leadMs: number): number {
  return grant.sentAt + renewalEveryIntervals(grant.periodMs, intervalMs, leadMs) * intervalMs;
}

/** First match wins; ids are stable (tests and logs name them). */
export const RENEWAL_RULES: readonly RenewalRule[] = [
  {
    id: "no-grant",
    when: (facts) => facts.grant === null,
    renew: true,
    sentence: "No grant this process received holds (none yet, one remembered from before a restart, or a refusal): ask every interval.",
  },
  {
    id: "grant-due",
    // Half an interval early: a tick whose timer fires a little before its time still asks.
    when: (facts) => facts.now >= renewalAt(facts.grant!, facts.intervalMs, facts.leadMs) - facts.intervalMs / 2,
    renew: true,
    sentence: "The grant is as old as the lease allows while leaving three renewals an interval apart before the fence: ask now, and every interval until one is granted.",
  },
  { id: "grant-fresh", when: () => true, renew: false, sentence: "The grant is fresh: ask when its renewal falls due." },
];

export function decideRenewal(facts: RenewalFacts): RenewalRule {
  return RENEWAL_RULES.find((rule) => rule.when(facts))!;
}
