"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { LagRange } from "@/core/fleet/lag-range";
import type { ChartRow } from "./chart-rows";
import { formatInstant, formatTick, timeTicks } from "./chart-time";
import type { SeriesStyle } from "./series-style";

export interface ChartSeries extends SeriesStyle {
  key: string;
  name: string;
}

export interface ChartMarker {
  at: number;
  label: string;
}

interface TimeChartProps {
  title: string;
  /** The unit, as said on the axis. */
  unit: string;
  rows: ChartRow[];
  series: ChartSeries[];
  from: number;
  to: number;
  range: LagRange;
  format: (value: number) => string;
  reference?: { value: number; label: string; fit: boolean } | null;
  markers: ChartMarker[];
  step?: boolean;
}

/**
 * One measure over the window, a line per series. Budgets are drawn as
 * labelled reference lines; events as numbered markers matching the event
 * list below the charts.
 */
export function TimeChart({ title, unit, rows, series, from, to, range, format, reference, markers, step }: TimeChartProps) {
  return (
    <figure className="time-chart">
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      <LineChart responsive style={{ width: "100%", height: 240 }} data={rows} margin={{ top: 16, right: 24, bottom: 4, left: 8 }} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[from, to]}
          ticks={timeTicks(from, to, range)}
          tickFormatter={(value: number) => formatTick(value, range)}
          allowDataOverflow
          label={{ value: "time (UTC)", position: "insideBottomRight", offset: -2, className: "chart-axis-label" }}
          height={40}
        />
        <YAxis
          tickFormatter={(value: number) => format(value)}
          width={80}
          allowDecimals={!step}
          label={{ value: unit, angle: -90, position: "insideLeft", className: "chart-axis-label" }}
        />
        <Tooltip
          labelFormatter={(label) => formatInstant(Number(label))}
          formatter={(value, name) => [typeof value === "number" ? format(value) : "no report", name]}
        />
        <Legend iconType="plainline" />
        {reference ? (
          <ReferenceLine
            y={reference.value}
            stroke="#D55E00"
            strokeWidth={2}
            strokeDasharray="10 4"
            ifOverflow={reference.fit ? "hidden" : "extendDomain"}
            label={{ value: reference.label, position: "insideTopRight", className: "chart-reference-label" }}
          />
        ) : null}
        {markers.map((marker) => (
          <ReferenceLine
            key={`${marker.at}-${marker.label}`}
            x={marker.at}
            className="chart-marker"
            strokeDasharray="2 3"
            ifOverflow="hidden"
            label={{ value: marker.label, position: "insideTopLeft", className: "chart-marker-label" }}
          />
        ))}
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            type={step ? "stepAfter" : "monotone"}
            stroke={s.color}
            strokeDasharray={s.dash || undefined}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      </LineChart>
    </figure>
  );
}
