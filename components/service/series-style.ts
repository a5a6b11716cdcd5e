import type { Health } from "@/core/fleet/replica-health";

/**
 * Okabe–Ito colours, which stay apart for colour-blind readers, each paired
 * with its own dash pattern so that series differ without colour too.
 */
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"] as const;
const DASHES = ["", "8 4", "2 3", "12 3 3 3", "4 4", "1 5"] as const;

export interface SeriesStyle {
  color: string;
  dash: string;
}

export function seriesStyle(index: number): SeriesStyle {
  return { color: COLOURS[index % COLOURS.length]!, dash: DASHES[index % DASHES.length]! };
}

/** Every health state as a word, a symbol and a badge tone, so none relies on colour alone. */
export const HEALTH_LOOK: Record<Health, { symbol: string; tone: "ok" | "warn" | "bad" | "neutral" }> = {
  healthy: { symbol: "✓", tone: "ok" },
  degraded: { symbol: "!", tone: "warn" },
  unhealthy: { symbol: "✕", tone: "bad" },
  stale: { symbol: "○", tone: "warn" },
  unknown: { symbol: "?", tone: "neutral" },
};
