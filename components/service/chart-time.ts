import type { LagRange } from "@/core/fleet/lag-range";

const pad = (value: number) => String(value).padStart(2, "0");

/** Axis ticks in UTC, like every timestamp on the console: a time of day, or a day and hour over a week. */
export function formatTick(ms: number, range: LagRange): string {
  const date = new Date(ms);
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  if (range === "30d" || range === "90d") return `${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  if (range === "7d") return `${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${time}`;
  if (range === "15m") return `${time}:${pad(date.getUTCSeconds())}`;
  return time;
}

export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** Evenly spaced ticks on round boundaries, about six across the window. */
export function timeTicks(from: number, to: number, range: LagRange): number[] {
  const stepMs = { "15m": 150_000, "1h": 600_000, "24h": 4 * 3_600_000, "7d": 86_400_000, "30d": 5 * 86_400_000, "90d": 15 * 86_400_000 }[range];
  const ticks: number[] = [];
  for (let t = Math.ceil(from / stepMs) * stepMs; t <= to; t += stepMs) ticks.push(t);
  return ticks;
}
