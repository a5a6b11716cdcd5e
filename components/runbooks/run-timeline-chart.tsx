import { formatSeconds } from "@/core/format";
import type { RunTimeline } from "@/core/runbooks/run-timeline";

const ROW = 26;
const LABEL = 230;
const WIDTH = 800;
const PLOT = WIDTH - LABEL - 16;
const AXIS = 28;

const duration = (ms: number) => formatSeconds(ms / 1000);

/**
 * Where the run's time went: a bar per step on one axis (seconds from the
 * first step), a person's wait hatched and labelled with who answered,
 * retries counted, and the window in which writes were refused shaded.
 * Every bar carries its numbers as text for screen readers and tooltips.
 * `captionId` must be unique on the page when it shows several runs.
 */
export function RunTimelineChart({ timeline, captionId = "run-timeline-caption" }: { timeline: RunTimeline; captionId?: string }) {
  const x = (ms: number) => LABEL + (ms / timeline.spanMs) * PLOT;
  const height = AXIS + timeline.rows.length * ROW + 8;
  const refused = timeline.writesRefused;
  return (
    <figure className="run-timeline" aria-labelledby={captionId}>
      <figcaption id={captionId} className="muted small">
        Seconds from the first step{refused ? `; shaded: writes refused for ${duration(refused.toMs - refused.fromMs)}, accepted again on the new primary at the marker` : ""}.
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Run timeline: ${timeline.rows.length} steps over ${duration(timeline.spanMs)}`} className="run-timeline-svg">
        {timeline.ticks.map((tick) => (
          <g key={tick.atMs}>
            <line x1={x(tick.atMs)} x2={x(tick.atMs)} y1={AXIS - 6} y2={height} className="run-timeline-grid" />
            <text x={x(tick.atMs)} y={AXIS - 10} textAnchor="middle" className="chart-axis-label">
              {tick.label}
            </text>
          </g>
        ))}
        {refused ? (
          <g>
            <rect x={x(refused.fromMs)} y={AXIS - 4} width={Math.max(2, x(refused.toMs) - x(refused.fromMs))} height={height - AXIS + 4} className="run-timeline-refused">
              <title>{`Writes refused for ${duration(refused.toMs - refused.fromMs)}`}</title>
            </rect>
            <line x1={x(refused.toMs)} x2={x(refused.toMs)} y1={AXIS - 6} y2={height} className="run-timeline-accepted" />
          </g>
        ) : null}
        {timeline.rows.map((row, index) => {
          const y = AXIS + index * ROW;
          const what = `${row.label}: ${row.state}, ${duration(row.toMs - row.fromMs)}${row.open ? " so far" : ""}${row.retries ? `, ${row.retries} ${row.retries === 1 ? "retry" : "retries"}` : ""}${row.person ? (row.answeredBy ? `, answered by ${row.answeredBy}` : ", waiting for a person") : ""}`;
          return (
            <g key={row.id}>
              <text x={LABEL - 8} y={y + ROW / 2 + 4} textAnchor="end" className="run-timeline-label">
                {row.label.length > 34 ? `${row.label.slice(0, 33)}…` : row.label}
              </text>
              <rect x={x(row.fromMs)} y={y + 5} width={Math.max(3, x(row.toMs) - x(row.fromMs))} height={ROW - 10} rx={3} className={`run-timeline-bar run-timeline-${row.state}${row.person ? " run-timeline-person" : ""}`}>
                <title>{what}</title>
              </rect>
              <text x={Math.min(x(row.toMs) + 6, WIDTH - 4)} y={y + ROW / 2 + 4} textAnchor={x(row.toMs) + 6 > WIDTH - 120 ? "end" : "start"} className="run-timeline-value">
                {duration(row.toMs - row.fromMs)}
                {row.retries ? ` ×${row.retries + 1}` : ""}
                {row.answeredBy ? ` · ${row.answeredBy}` : ""}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
