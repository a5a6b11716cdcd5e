"use client";

import { CartesianGrid, Legend, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import type { RecoveryHistory } from "@/contracts/drills";
import { formatSeconds } from "@/core/format";
import { formatInstant } from "../service/chart-time";
import { seriesStyle } from "../service/series-style";

type Point = RecoveryHistory["points"][number];

const DRILL = seriesStyle(0);
const RUN = seriesStyle(1);
const BUDGET_COLOUR = "#D55E00";
/** Drills are circles, real runs squares: the two differ without colour too. */
const SHAPES = { drill: "circle", run: "square" } as const;

const rowsOf = (points: Point[], kind: Point["kind"], value: (point: Point) => number | null) =>
  points.flatMap((point) => {
    const y = value(point);
    return point.kind === kind && y !== null ? [{ t: Date.parse(point.at), y, label: `${point.runbookId}${point.passed === null ? "" : point.passed ? " · passed" : " · failed"}` }] : [];
  });

function Panel({ title, unit, points, value, format, budgets, kinds }: {
  title: string;
  unit: string;
  points: Point[];
  value: (point: Point) => number | null;
  format: (value: number) => string;
  budgets: { value: number; label: string }[];
  kinds: Point["kind"][];
}) {
  const from = points.length ? Date.parse(points[0]!.at) : Date.now() - 86_400_000;
  const to = points.length ? Date.parse(points.at(-1)!.at) : Date.now();
  const pad = Math.max((to - from) * 0.05, 60_000);
  return (
    <figure className="time-chart">
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      <ScatterChart responsive style={{ width: "100%", height: 240 }} margin={{ top: 16, right: 24, bottom: 4, left: 8 }} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[from - pad, to + pad]}
          tickFormatter={(ms: number) => new Date(ms).toISOString().slice(5, 16).replace("T", " ")}
          label={{ value: "finished (UTC)", position: "insideBottomRight", offset: -2, className: "chart-axis-label" }}
          height={40}
        />
        <YAxis dataKey="y" type="number" tickFormatter={(y: number) => format(y)} width={80} label={{ value: unit, angle: -90, position: "insideLeft", className: "chart-axis-label" }} />
        <Tooltip labelFormatter={() => ""} formatter={(y, name) => [typeof y === "number" ? (name === "t" ? formatInstant(y) : `${format(y)} ${unit}`) : "—", name === "t" ? "finished" : title]} />
        <Legend />
        {budgets.map((budget) => (
          <ReferenceLine
            key={budget.label}
            y={budget.value}
            stroke={BUDGET_COLOUR}
            strokeWidth={2}
            strokeDasharray="10 4"
            ifOverflow="extendDomain"
            label={{ value: budget.label, position: "insideTopRight", className: "chart-reference-label" }}
          />
        ))}
        {kinds.includes("drill") ? <Scatter name="drills" data={rowsOf(points, "drill", value)} fill={DRILL.color} shape={SHAPES.drill} /> : null}
        {kinds.includes("run") ? <Scatter name="real runs (failovers, switchovers)" data={rowsOf(points, "run", value)} fill={RUN.color} shape={SHAPES.run} /> : null}
      </ScatterChart>
    </figure>
  );
}

/**
 * Every drill's and real run's observed RTO against each dataset's RTO
 * budget, and the writes drills lost against what the strong datasets allow
 * (none), so a trend towards a budget shows before a failover exceeds it.
 */
export function RecoveryChart({ history }: { history: RecoveryHistory }) {
  // The tightest budget is the one a slower failover breaks first; looser ones are named in its label rather than stretching the axis.
  const tightest = history.datasets.length ? Math.min(...history.datasets.map((dataset) => dataset.rtoSeconds)) : null;
  const looser = history.datasets.filter((dataset) => dataset.rtoSeconds !== tightest).map((dataset) => `${dataset.name} ${formatSeconds(dataset.rtoSeconds)}`);
  const rtoBudgets =
    tightest === null
      ? []
      : [
          {
            value: tightest,
            label: `RTO budget ${formatSeconds(tightest)} (${history.datasets.filter((dataset) => dataset.rtoSeconds === tightest).map((dataset) => dataset.name).join(", ")})${looser.length ? `; ${looser.join(", ")}` : ""}`,
          },
        ];
  const strong = history.datasets.filter((dataset) => dataset.consistency === "strong");
  return (
    <div className="stack">
      <Panel title="Observed RTO" unit="seconds" points={history.points} value={(point) => point.observedRtoSeconds} format={(y) => String(Number(y.toFixed(1)))} budgets={rtoBudgets} kinds={["drill", "run"]} />
      <Panel
        title="Acknowledged writes lost (drills' canary)"
        unit="writes"
        points={history.points}
        value={(point) => point.lostWrites}
        format={(y) => String(Math.round(y))}
        budgets={strong.length ? [{ value: 0, label: `budget 0 (${strong.map((dataset) => dataset.name).join(", ")}: strong)` }] : []}
        kinds={["drill"]}
      />
    </div>
  );
}
