import type { ServiceOverview } from "@/contracts/fleet-overview";
import { formatBytes, formatSeconds } from "@/core/format";
import { Badge } from "@/components/ui/badge";

const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;

/**
 * The service's worst lag as a share of its budgets: a bar (capped at the
 * budget) plus the numbers in words, so the bar is never the only signal.
 */
export function LagBudget({ lag }: { lag: ServiceOverview["worstLag"] }) {
  if (!lag) return <span className="muted">no lag reported</span>;
  const over = lag.ratio !== null && lag.ratio > 1;
  return (
    <div className={lag.stale ? "lag-budget lag-budget-stale" : "lag-budget"}>
      {lag.ratio !== null ? (
        <div className="lag-bar" aria-hidden="true">
          <div className={over ? "lag-bar-fill lag-bar-over" : "lag-bar-fill"} style={{ width: `${Math.min(100, lag.ratio * 100)}%` }} />
        </div>
      ) : null}
      <div>
        {lag.stale ? <Badge title="No replica reports a current lag; this is the last one known">◷ stale</Badge> : null}{" "}
        {lag.ratio !== null ? <strong>{over ? `▲ ${percent(lag.ratio)} of budget` : `${percent(lag.ratio)} of budget`}</strong> : null}{" "}
        <span className="muted">{lag.replicaName}</span>
      </div>
      <div className="muted small">
        {lag.lagSeconds !== null ? `${formatSeconds(lag.lagSeconds)}${lag.rpoSeconds !== null ? ` of ${formatSeconds(lag.rpoSeconds)} RPO` : ""}` : "seconds unknown"}
        {" · "}
        {lag.lagBytes !== null ? `${formatBytes(lag.lagBytes)}${lag.maxLagBytes !== null ? ` of ${formatBytes(lag.maxLagBytes)} max` : ""}` : "bytes unknown"}
      </div>
    </div>
  );
}
