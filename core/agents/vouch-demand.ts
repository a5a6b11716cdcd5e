import { renewalAt } from "./lease-renewal";

/**
 * Whether a primary's lease keeper asks its witnesses to vouch. A vouch
 * (agents/README.md, "Witnesses") keeps the lease only while the control
 * plane is out of reach; while its grants arrive on time, the witnesses'
 * signed NOTIFYs, one per witness a second, each a signature, a round trip,
 * a committed transaction on the primary and a verification by its agent,
 * renew nothing. So the keeper asks for them only when a grant is missing or
 * late, or when the lease is too short to wait for that. Asking less can
 * only shorten a lease, never lengthen one: no safety rule rests on vouches
 * that were not asked for (the automation's reckoning of when an old
 * primary's lease has lapsed assumes every witness vouches as long as its
 * probes succeed, the most a witness ever does).
 *
 * The time to vouch: the keeper notices a late answer half an interval
 * after the renewal it expected fell due (core/agents/lease-renewal.ts: N
 * intervals after the last grant's request; a control plane answering
 * within that never has it ask), and a witness vouches at its next probe,
 * within one interval, so vouches start at most N + 1½ intervals after the
 * last grant was sent. Where N is one, a lease shorter than 3½ intervals
 * plus the fence's lead would fence before they arrive: for such a lease
 * they are always asked for. A longer N leaves, by its own definition, the
 * last renewal at least half an interval before the fence, two intervals
 * after the first: vouches start at least an interval before the fence.
 */

/** A renewal not answered with a grant this long after it fell due, in intervals, is late. */
export const GRANT_LATE_AFTER_DUE_INTERVALS = 0.5;

/** A lease shorter than this many intervals (plus the fence's lead) has vouches asked for all along. */
export const SHORT_LEASE_INTERVALS = 3.5;

export interface VouchDemandFacts {
  /** The last grant this process received: when its request was sent (monotonic ms) and its period; null when none, or only one remembered from before a restart. */
  grant: { sentAt: number; periodMs: number } | null;
  now: number;
  intervalMs: number;
  leadMs: number;
}

export interface VouchDemandRule {
  id: string;
  when: (facts: VouchDemandFacts) => boolean;
  ask: boolean;
  sentence: string;
}

/** First match wins; ids are stable (tests and logs name them). */
export const VOUCH_DEMAND_RULES: readonly VouchDemandRule[] = [
  { id: "no-grant", when: (facts) => facts.grant === null, ask: true, sentence: "No grant of the control plane holds for this process: ask the witnesses to vouch." },
  {
    id: "short-lease",
    when: (facts) => facts.grant!.periodMs < SHORT_LEASE_INTERVALS * facts.intervalMs + facts.leadMs,
    ask: true,
    sentence: "The lease is shorter than 3½ intervals and the fence's lead, too short to wait for a late grant: ask the witnesses to vouch all along.",
  },
  {
    id: "grant-late",
    when: (facts) => facts.now >= grantLateAt(facts.grant!, facts),
    ask: true,
    sentence: "The next grant is half an interval late: ask the witnesses to vouch until grants arrive on time again.",
  },
  { id: "grants-on-time", when: () => true, ask: false, sentence: "The control plane's grants arrive on time: the witnesses need not vouch." },
];

export function decideVouchDemand(facts: VouchDemandFacts): VouchDemandRule {
  return VOUCH_DEMAND_RULES.find((rule) => rule.when(facts))!;
}

/** When, on the monotonic clock, the grant becomes late and the demand must be decided again; null when nothing is pending. */
export function vouchDemandDueAt(facts: VouchDemandFacts): number | null {
  return facts.grant === null ? null : grantLateAt(facts.grant, facts);
}

function grantLateAt(grant: NonNullable<VouchDemandFacts["grant"]>, facts: Pick<VouchDemandFacts, "intervalMs" | "leadMs">): number {
  return renewalAt(grant, facts.intervalMs, facts.leadMs) + GRANT_LATE_AFTER_DUE_INTERVALS * facts.intervalMs;
}
