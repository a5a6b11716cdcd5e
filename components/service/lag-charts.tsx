"use client";

import { useMemo } from "react";
import type { ServiceLag } from "@/contracts/service-lag";
import { formatBytes, formatSeconds } from "@/core/format";
import { chartRows, type SeriesPick } from "./chart-rows";
import { seriesStyle } from "./series-style";
import { TimeChart, type ChartMarker, type ChartSeries } from "./time-chart";

export type LagStatistic = "max" | "avg";

type Replica = ServiceLag["replicas"][number];

interface Measure {
  key: string;
  value: (point: Replica["points"][number]) => number | null;
  suffix: string;
}

function seriesFor(replicas: { replica: Replica; index: number }[], measures: Measure[], staleIds: ReadonlySet<string>) {
  const picks: SeriesPick[] = [];
  const series: ChartSeries[] = [];
  for (const { replica, index } of replicas) {
    measures.forEach((measure, measureIndex) => {
      const key = `${replica.replicaId}:${measure.key}`;
      const style = seriesStyle(index);
      picks.push({ key, replicaId: replica.replicaId, value: measure.value });
      series.push({
        key,
        name: `${replica.name}${measure.suffix}${staleIds.has(replica.replicaId) ? " (stale)" : ""}`,
        color: style.color,
        // Recovery and logical conflicts of one replica share its colour, so the dotted line is what tells them apart.
        dash: measureIndex === 0 ? style.dash : "1 3",
      });
    });
  }
  return { picks, series };
}

/**
 * Lag in bytes and seconds and conflicts per bucket over the chosen range,
 * a line per replica, with the budgets as reference lines and the window's
 * events as numbered markers.
 */
export function LagCharts({
  lag,
  statistic,
  fitToData,
  staleIds,
}: {
  lag: ServiceLag;
  statistic: LagStatistic;
  fitToData: boolean;
  staleIds: ReadonlySet<string>;
}) {
  const charts = useMemo(() => {
    const indexed = lag.replicas.map((replica, index) => ({ replica, index }));
    // A primary has no replay lag; its line would only be a row of gaps.
    const lagging = indexed.filter(({ replica }) => replica.points.some((point) => point.lagBytes.max !== null || point.lagSeconds.max !== null));
    const reporting = indexed.filter(({ replica }) => replica.points.length > 0);
    const bytes = seriesFor(lagging, [{ key: "bytes", value: (point) => point.lagBytes[statistic], suffix: "" }], staleIds);
    const seconds = seriesFor(lagging, [{ key: "seconds", value: (point) => point.lagSeconds[statistic], suffix: "" }], staleIds);
    const conflicts = seriesFor(
      reporting,
      [
        { key: "recovery", value: (point) => point.recoveryConflicts, suffix: " recovery" },
        { key: "logical", value: (point) => point.logicalConflicts, suffix: " logical" },
      ],
      staleIds,
    );
    return {
      bytes: { series: bytes.series, rows: chartRows(lag, bytes.picks) },
      seconds: { series: seconds.series, rows: chartRows(lag, seconds.picks) },
      conflicts: { series: conflicts.series, rows: chartRows(lag, conflicts.picks) },
      empty: reporting.length === 0,
    };
  }, [lag, statistic, staleIds]);

  const from = Date.parse(lag.from);
  const to = Date.parse(lag.to);
  const markers: ChartMarker[] = lag.events.map((event, index) => ({ at: Date.parse(event.at), label: String(index + 1) }));
  const common = { from, to, range: lag.range, markers };
  const statisticWord = statistic === "max" ? "maximum" : "average";

  if (charts.empty) {
    return (
      <div className="card empty" role="status">
        <h3>No samples in this range</h3>
        <p>No agent of this service reported in this range. Pick a longer range, or check that the agents are running.</p>
      </div>
    );
  }
  return (
    <div className="chart-grid-2">
      <TimeChart
        title={`Replay lag, bytes (${statisticWord} per ${lag.bucketSeconds < 60 ? `${lag.bucketSeconds} s` : `${lag.bucketSeconds / 60} min`})`}
        unit="bytes behind"
        rows={charts.bytes.rows}
        series={charts.bytes.series}
        format={formatBytes}
        reference={lag.maxLagBytes === null ? null : { value: lag.maxLagBytes, label: `failover max ${formatBytes(lag.maxLagBytes)}`, fit: fitToData }}
        {...common}
      />
      <TimeChart
        title={`Replay lag, seconds (${statisticWord})`}
        unit="seconds behind"
        rows={charts.seconds.rows}
        series={charts.seconds.series}
        format={(value) => (value === 0 ? "0 s" : formatSeconds(value))}
        reference={lag.rpoSeconds === null ? null : { value: lag.rpoSeconds, label: `RPO budget ${formatSeconds(lag.rpoSeconds)}`, fit: fitToData }}
        {...common}
      />
      <TimeChart
        title="Conflicts per bucket (recovery solid or patterned, logical dotted)"
        unit="conflicts"
        rows={charts.conflicts.rows}
        series={charts.conflicts.series}
        format={(value) => String(Math.round(value))}
        step
        {...common}
      />
    </div>
  );
}
