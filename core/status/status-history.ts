import { worstState, type ComponentState } from "./component-state";

const DAY_MS = 86_400_000;
export const HISTORY_DAYS = 90;

/** A span in which a component was in a state worse than operational; `to` null while it lasts. */
export interface StateSegment {
  from: Date;
  to: Date | null;
  state: Exclude<ComponentState, "operational">;
}

export interface HistoryDay {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  /** The worst state the component was in at any moment of the day. */
  state: ComponentState;
  /** Minutes of the day in a partial or major outage. */
  outageMinutes: number;
}

const OUTAGE: ReadonlySet<ComponentState> = new Set(["partial_outage", "major_outage"]);

/** The spans each status of an incident lasted, as the states they put the component in. */
export function incidentSegments(updates: readonly { status: "investigating" | "identified" | "monitoring" | "resolved"; at: Date }[]): StateSegment[] {
  const ordered = [...updates].sort((a, b) => a.at.getTime() - b.at.getTime());
  return ordered.flatMap((update, index): StateSegment[] => {
    if (update.status === "resolved") return [];
    const to = ordered[index + 1]?.at ?? null;
    return [{ from: update.at, to, state: update.status === "monitoring" ? "degraded_performance" : "partial_outage" }];
  });
}

/**
 * The last `days` UTC days, oldest first, ending with today: each day's
 * worst state and its minutes of outage (overlapping outage spans counted
 * once), as a status page's uptime bars show them.
 */
export function dailyHistory(segments: readonly StateSegment[], now: Date, days = HISTORY_DAYS): HistoryDay[] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const history: HistoryDay[] = [];
  for (let index = days - 1; index >= 0; index--) {
    const start = today - index * DAY_MS;
    const end = Math.min(start + DAY_MS, now.getTime());
    const overlapping = segments
      .map((segment) => ({ state: segment.state, from: Math.max(segment.from.getTime(), start), to: Math.min(segment.to?.getTime() ?? now.getTime(), end) }))
      .filter((segment) => segment.to > segment.from);
    const outages = overlapping.filter((segment) => OUTAGE.has(segment.state)).sort((a, b) => a.from - b.from);
    let covered = 0;
    let reach = -Infinity;
    for (const outage of outages) {
      const from = Math.max(outage.from, reach);
      if (outage.to > from) covered += outage.to - from;
      reach = Math.max(reach, outage.to);
    }
    history.push({
      day: new Date(start).toISOString().slice(0, 10),
      state: worstState(overlapping.map((segment) => segment.state)),
      outageMinutes: Math.round(covered / 60_000),
    });
  }
  return history;
}

/** Share of the period without partial or major outage, as a percentage with two decimals. */
export function availability(history: readonly HistoryDay[], now: Date): number {
  if (!history.length) return 100;
  const elapsedToday = (now.getTime() % DAY_MS) / 60_000;
  const minutes = (history.length - 1) * 1440 + elapsedToday;
  const down = history.reduce((sum, day) => sum + day.outageMinutes, 0);
  return minutes > 0 ? Math.floor((1 - down / minutes) * 10_000) / 100 : 100;
}
