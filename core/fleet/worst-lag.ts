/** One replica's latest lag, and whether that report is past the staleness window. */
export interface LagReading {
  replicaId: string;
  replicaName: string;
  lagBytes: number | null;
  lagSeconds: number | null;
  stale: boolean;
}

export interface LagBudgets {
  /** The tightest RPO budget of the service's eventual datasets. */
  rpoSeconds: number | null;
  /** The policy's maximum lag for automatic failover. */
  maxLagBytes: number | null;
}

export interface WorstLag extends LagReading {
  rpoSeconds: number | null;
  maxLagBytes: number | null;
  /** Lag seconds ÷ RPO budget (1 = the whole budget is used); null without a budget or a measurement. */
  secondsRatio: number | null;
  /** Lag bytes ÷ the policy's maximum; null without one or a measurement. */
  bytesRatio: number | null;
  /** The larger of the two ratios: how close the replica is to breaking a budget. */
  ratio: number | null;
}

// A budget of zero has no meaningful share; such budgets are judged elsewhere (strong datasets, health reasons).
const ratioOf = (value: number | null, budget: number | null) => (value === null || budget === null || budget <= 0 ? null : value / budget);

function measure(reading: LagReading, budgets: LagBudgets): WorstLag {
  const secondsRatio = ratioOf(reading.lagSeconds, budgets.rpoSeconds);
  const bytesRatio = ratioOf(reading.lagBytes, budgets.maxLagBytes);
  const ratios = [secondsRatio, bytesRatio].filter((ratio): ratio is number => ratio !== null);
  return { ...reading, rpoSeconds: budgets.rpoSeconds, maxLagBytes: budgets.maxLagBytes, secondsRatio, bytesRatio, ratio: ratios.length ? Math.max(...ratios) : null };
}

// Nearest to breaking a budget first; without budgets, the most behind.
function worse(a: WorstLag, b: WorstLag): boolean {
  if ((a.ratio ?? -1) !== (b.ratio ?? -1)) return (a.ratio ?? -1) > (b.ratio ?? -1);
  if ((a.lagSeconds ?? -1) !== (b.lagSeconds ?? -1)) return (a.lagSeconds ?? -1) > (b.lagSeconds ?? -1);
  return (a.lagBytes ?? -1) > (b.lagBytes ?? -1);
}

/**
 * The replica of a service that is nearest to (or furthest past) its lag
 * budgets. Only current reports compete: a stale report's lag says nothing
 * about now, so it is the answer (marked stale) only when no replica reports
 * a current lag at all.
 */
export function worstLag(readings: readonly LagReading[], budgets: LagBudgets): WorstLag | null {
  const measured = readings.filter((reading) => reading.lagBytes !== null || reading.lagSeconds !== null).map((reading) => measure(reading, budgets));
  const fresh = measured.filter((reading) => !reading.stale);
  const pool = fresh.length ? fresh : measured;
  return pool.reduce<WorstLag | null>((worst, reading) => (worst === null || worse(reading, worst) ? reading : worst), null);
}
