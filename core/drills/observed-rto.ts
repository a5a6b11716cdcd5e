/**
 * What a run's users saw: how long no replica took the service's writes,
 * measured from the run's steps and the agents' reports when it finishes.
 * Every run gets one (planned and unplanned, drills or not), so the drill
 * history holds real failovers too.
 */

/** The instants the measurement may use, read by the server from the run and the samples. */
export interface RtoEvidence {
  runStartedAt: Date;
  /** When the run issued the fence of the old primary (a planned switchover); null when it fenced nothing. */
  fenceIssuedAt: Date | null;
  /** The old primary's last reachable report as primary before the run started (an unplanned failover's loss). */
  oldPrimaryLastReportAt: Date | null;
  /** When the run pointed the write route at the new primary; null when it never did. */
  routeSwitchedAt: Date | null;
  /** The new primary's first reachable report as primary after the run started. */
  newPrimaryFirstReportAt: Date | null;
}

export const RTO_METHOD_IDS = [
  "fence-to-new-primary-report",
  "old-primary-report-to-new-primary-report",
  "fence-to-route",
  "old-primary-report-to-route",
  "run-start-to-route",
  "not-measured",
] as const;
export type RtoMethodId = (typeof RTO_METHOD_IDS)[number];

export interface RtoMethod {
  id: RtoMethodId;
  /** Null when the method cannot measure from this evidence; else the span users could not write. */
  span(evidence: RtoEvidence): { from: Date; to: Date } | null;
  sentence: string;
}

/** Writes resume when the route points at a replica that says it is primary: the later of the two. */
const resumed = (evidence: RtoEvidence): Date | null =>
  evidence.routeSwitchedAt && evidence.newPrimaryFirstReportAt
    ? new Date(Math.max(evidence.routeSwitchedAt.getTime(), evidence.newPrimaryFirstReportAt.getTime()))
    : null;

const spanOf = (from: Date | null, to: Date | null) => (from && to ? { from, to: to < from ? from : to } : null);

/** The measurements, best first: the first that can measure is the one recorded. */
export const RTO_METHODS: readonly RtoMethod[] = [
  {
    id: "fence-to-new-primary-report",
    span: (evidence) => spanOf(evidence.fenceIssuedAt, resumed(evidence)),
    sentence: "From the fence of the old primary to the new primary's first report as primary with the write route pointing at it.",
  },
  {
    id: "old-primary-report-to-new-primary-report",
    span: (evidence) => (evidence.fenceIssuedAt ? null : spanOf(evidence.oldPrimaryLastReportAt, resumed(evidence))),
    sentence: "From the old primary's last report as primary to the new primary's first report as primary with the write route pointing at it.",
  },
  {
    id: "fence-to-route",
    span: (evidence) => spanOf(evidence.fenceIssuedAt, evidence.routeSwitchedAt),
    sentence: "From the fence of the old primary to the write route's switch (the new primary sent no report as primary yet).",
  },
  {
    id: "old-primary-report-to-route",
    span: (evidence) => (evidence.fenceIssuedAt ? null : spanOf(evidence.oldPrimaryLastReportAt, evidence.routeSwitchedAt)),
    sentence: "From the old primary's last report as primary to the write route's switch (the new primary sent no report as primary yet).",
  },
  {
    id: "run-start-to-route",
    span: (evidence) => spanOf(evidence.runStartedAt, evidence.routeSwitchedAt),
    sentence: "From the run's start to the write route's switch: no report says when the old primary stopped, so the outage may have begun earlier.",
  },
  {
    id: "not-measured",
    span: () => null,
    sentence: "Not measured: the run never pointed the write route at a new primary.",
  },
];

export interface ObservedRto {
  method: RtoMethodId;
  ms: number | null;
  from: string | null;
  to: string | null;
  sentence: string;
}

/** The first method of the table that can measure this evidence. */
export function observedRto(evidence: RtoEvidence): ObservedRto {
  for (const method of RTO_METHODS) {
    const span = method.span(evidence);
    if (span) return { method: method.id, ms: span.to.getTime() - span.from.getTime(), from: span.from.toISOString(), to: span.to.toISOString(), sentence: method.sentence };
  }
  const last = RTO_METHODS.at(-1)!;
  return { method: last.id, ms: null, from: null, to: null, sentence: last.sentence };
}
