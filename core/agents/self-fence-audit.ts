/**
 * How an agent's reports of its own fence reach the audit trail. Only the
 * agent knows of that fence, so what it says is written down; but its
 * token could say anything (a new `selfFencedAt` on every lease request,
 * once a second or faster), and every event takes the audit chain's lock.
 * So a replica gets at most one self-fence event per lease period, the end
 * of a fence whose start was written, and a count of the changes in
 * between, which the next event carries; once a period has passed, an
 * event says where the counted changes left the fence.
 */

/** What the store keeps of one replica's fence (the SelfFence row). */
export interface SelfFenceRecord {
  /** The fence as the agent last reported it; null once it reported it gone. */
  fencedAt: Date | null;
  /** When the last self_fence event was written (a catch-up counts), null before the first. */
  fenceAuditedAt: Date | null;
  /** Whether the fence in fencedAt has an event of its own, so that its end gets one too. */
  fenceAudited: boolean;
  /** Changes since the last event that were counted instead of written. */
  unauditedChanges: number;
}

export interface SelfFenceReport {
  known: SelfFenceRecord | null;
  reported: Date | null;
  now: Date;
  /** The replica's lease period: at most one self_fence event in each. */
  periodMs: number;
}

export type SelfFenceEvent = "primary_lease.self_fence" | "primary_lease.self_unfence";

export interface SelfFenceAuditRule {
  id: string;
  when: (report: SelfFenceReport) => boolean;
  event: (report: SelfFenceReport) => SelfFenceEvent | null;
  next: (report: SelfFenceReport) => SelfFenceRecord | null;
  sentence: string;
}

const EMPTY: SelfFenceRecord = { fencedAt: null, fenceAuditedAt: null, fenceAudited: false, unauditedChanges: 0 };

const known = (report: SelfFenceReport) => report.known ?? EMPTY;
const changed = (report: SelfFenceReport) => (known(report).fencedAt?.getTime() ?? null) !== (report.reported?.getTime() ?? null);
const periodPassed = (report: SelfFenceReport) => {
  const last = known(report).fenceAuditedAt;
  return last === null || report.now.getTime() - last.getTime() >= report.periodMs;
};
const counted = (report: SelfFenceReport): SelfFenceRecord => ({
  ...known(report),
  fencedAt: report.reported,
  fenceAudited: false,
  unauditedChanges: known(report).unauditedChanges + 1,
});

/** First match wins; ids are stable (the events name them). */
export const SELF_FENCE_AUDIT_RULES: readonly SelfFenceAuditRule[] = [
  {
    id: "catch-up",
    when: (report) => !changed(report) && known(report).unauditedChanges > 0 && periodPassed(report),
    event: (report) => (known(report).fencedAt ? "primary_lease.self_fence" : "primary_lease.self_unfence"),
    next: (report) => ({ fencedAt: known(report).fencedAt, fenceAuditedAt: report.now, fenceAudited: known(report).fencedAt !== null, unauditedChanges: 0 }),
    sentence: "a lease period after changes that were only counted, the fence as they left it",
  },
  {
    id: "unchanged",
    when: (report) => !changed(report),
    event: () => null,
    next: () => null,
    sentence: "the fence is as last recorded",
  },
  {
    id: "fence",
    when: (report) => report.reported !== null && periodPassed(report),
    event: () => "primary_lease.self_fence",
    next: (report) => ({ fencedAt: report.reported, fenceAuditedAt: report.now, fenceAudited: true, unauditedChanges: 0 }),
    sentence: "the agent fenced its server, the first such report this lease period",
  },
  {
    id: "fence-counted",
    when: (report) => report.reported !== null,
    event: () => null,
    next: counted,
    sentence: "another fence within a lease period of the last one written: counted, not written",
  },
  {
    id: "unfence",
    when: (report) => known(report).fenceAudited,
    event: () => "primary_lease.self_unfence",
    next: (report) => ({ ...known(report), fencedAt: null, fenceAudited: false, unauditedChanges: 0 }),
    sentence: "the agent undid a fence whose start was written",
  },
  {
    id: "unfence-counted",
    when: () => true,
    event: () => null,
    next: counted,
    sentence: "the end of a fence that was only counted: counted too",
  },
];

export interface SelfFenceAuditDecision {
  rule: string;
  event: SelfFenceEvent | null;
  /** What to store; null when nothing changes. */
  next: SelfFenceRecord | null;
  /** Counted changes the event reports (those before this one). */
  unauditedChanges: number;
  sentence: string;
}

export function decideSelfFenceAudit(report: SelfFenceReport): SelfFenceAuditDecision {
  const rule = SELF_FENCE_AUDIT_RULES.find((candidate) => candidate.when(report))!;
  return { rule: rule.id, event: rule.event(report), next: rule.next(report), unauditedChanges: known(report).unauditedChanges, sentence: rule.sentence };
}
