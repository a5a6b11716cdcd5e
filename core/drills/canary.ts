/**
 * What the drill's canary writer saw: each write it attempted through the
 * service's write route, and which acknowledged writes the new primary holds
 * at the end.
 */

export interface CanaryAttempt {
  /** The row's id, unique per drill. */
  id: string;
  at: Date;
  /** The replica the route named when the write was sent. */
  replica: string | null;
  /** The server acknowledged the commit. */
  acknowledged: boolean;
}

/** A stretch in which the canary's writes were refused: from the first refusal to the next acknowledged write. */
export interface CanaryOutage {
  from: string;
  /** Null when no write was accepted after it. */
  to: string | null;
  ms: number | null;
  /** Where writes were accepted before and after. */
  before: string | null;
  after: string | null;
}

export interface CanaryVerdict {
  measured: true;
  acknowledged: number;
  refused: number;
  /** Acknowledged writes the final primary does not hold. */
  lost: number;
  lostIds: string[];
  outages: CanaryOutage[];
  /** The first outage's length: what users of the rehearsed run saw. */
  observedRtoMs: number | null;
  /** From the first lost write's acknowledgement to the first refusal after it: how much time's writes were lost. */
  lossWindowMs: number;
  sentence: string;
}

export interface CanaryNotMeasured {
  measured: false;
  sentence: string;
}

const LOST_IDS_KEPT = 20;

export function canaryOutages(attempts: readonly CanaryAttempt[]): CanaryOutage[] {
  const outages: CanaryOutage[] = [];
  let lastAccepted: CanaryAttempt | null = null;
  let refusedSince: CanaryAttempt | null = null;
  for (const attempt of attempts) {
    if (!attempt.acknowledged) {
      // Refusals before any write was accepted are the canary starting, not an outage.
      if (lastAccepted && !refusedSince) refusedSince = attempt;
      continue;
    }
    if (refusedSince) {
      outages.push({ from: refusedSince.at.toISOString(), to: attempt.at.toISOString(), ms: attempt.at.getTime() - refusedSince.at.getTime(), before: lastAccepted!.replica, after: attempt.replica });
      refusedSince = null;
    }
    lastAccepted = attempt;
  }
  if (refusedSince) outages.push({ from: refusedSince.at.toISOString(), to: null, ms: null, before: lastAccepted!.replica, after: null });
  return outages;
}

/** Judges the ledger against what the final primary holds (`present`: the acknowledged ids found there). */
export function canaryVerdict(attempts: readonly CanaryAttempt[], present: ReadonlySet<string>): CanaryVerdict {
  const acknowledged = attempts.filter((attempt) => attempt.acknowledged);
  const lost = acknowledged.filter((attempt) => !present.has(attempt.id));
  const outages = canaryOutages(attempts);
  const firstLost = lost[0] ?? null;
  const refusalAfterLoss = firstLost ? attempts.find((attempt) => !attempt.acknowledged && attempt.at >= firstLost.at) : undefined;
  const lossWindowMs = firstLost ? (refusalAfterLoss ?? lost.at(-1)!).at.getTime() - firstLost.at.getTime() : 0;
  const observedRtoMs = outages[0]?.ms ?? null;
  const refused = attempts.length - acknowledged.length;
  const outage =
    outages.length === 0
      ? "no write was refused"
      : outages[0]!.ms === null
        ? "writes were refused and none was accepted again"
        : `writes were refused for ${(outages[0]!.ms / 1000).toFixed(1)} s (from the first refused write to the first accepted one${outages[0]!.after ? ` on ${outages[0]!.after}` : ""})`;
  return {
    measured: true,
    acknowledged: acknowledged.length,
    refused,
    lost: lost.length,
    lostIds: lost.slice(0, LOST_IDS_KEPT).map((attempt) => attempt.id),
    outages,
    observedRtoMs,
    lossWindowMs,
    sentence: `The canary had ${acknowledged.length} writes acknowledged and ${refused} refused; ${outage}; ${lost.length === 0 ? "every acknowledged write is on the final primary" : `${lost.length} acknowledged writes are missing on the final primary`}.`,
  };
}
