import { formatSeconds } from "../format";

/** What the timeline reads of a step. */
export interface TimelineStepInput {
  id: string;
  title: string;
  kind: string;
  state: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  decidedBy: string | null;
}

export interface TimelineRow {
  id: string;
  label: string;
  state: string;
  /** Milliseconds from the run's first step's start. */
  fromMs: number;
  toMs: number;
  /** Still going: its bar ends at `now`. */
  open: boolean;
  /** A manual or approval step: its bar is time spent waiting for a person. */
  person: boolean;
  /** Who answered it, for a person's step. */
  answeredBy: string | null;
  retries: number;
}

export interface RunTimeline {
  startedAt: number;
  spanMs: number;
  rows: TimelineRow[];
  /** When no replica took the service's writes, from the run's observed RTO. */
  writesRefused: { fromMs: number; toMs: number } | null;
  ticks: { atMs: number; label: string }[];
}

const TICK_STEPS_MS = [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
const MAX_TICKS = 8;

/** Round axis steps so that no more than MAX_TICKS marks sit on the axis. */
export function axisTicks(spanMs: number): { atMs: number; label: string }[] {
  const step = TICK_STEPS_MS.find((candidate) => spanMs / candidate <= MAX_TICKS) ?? Math.ceil(spanMs / MAX_TICKS / 3_600_000) * 3_600_000;
  const ticks: { atMs: number; label: string }[] = [];
  for (let at = 0; at <= spanMs; at += step) ticks.push({ atMs: at, label: at === 0 ? "0 s" : `+${formatSeconds(at / 1000)}` });
  return ticks;
}

/**
 * The run as bars on one time axis, from its first step's start: each step
 * that started, how long it ran or waited (a person's wait labelled with who
 * answered), its retries, and the window in which writes were refused.
 * Null before any step started.
 */
export function runTimeline(steps: readonly TimelineStepInput[], observedRto: { from: string | null; to: string | null } | null, now: number): RunTimeline | null {
  const started = steps.filter((step) => step.startedAt !== null);
  if (!started.length) return null;
  const startedAt = Math.min(...started.map((step) => Date.parse(step.startedAt!)));
  const rows = started.map((step): TimelineRow => {
    const from = Date.parse(step.startedAt!) - startedAt;
    const open = step.finishedAt === null;
    const to = Math.max(from, (open ? now : Date.parse(step.finishedAt!)) - startedAt);
    const person = step.kind === "manual" || step.kind === "approval";
    return { id: step.id, label: step.title, state: step.state, fromMs: from, toMs: to, open, person, answeredBy: person ? step.decidedBy : null, retries: Math.max(0, step.attempts - 1) };
  });
  const refusedFrom = observedRto?.from ? Date.parse(observedRto.from) - startedAt : null;
  const refusedTo = observedRto?.to ? Date.parse(observedRto.to) - startedAt : null;
  const writesRefused = refusedFrom !== null && refusedTo !== null ? { fromMs: refusedFrom, toMs: refusedTo } : null;
  const earliest = Math.min(0, writesRefused?.fromMs ?? 0);
  const shift = (ms: number) => ms - earliest;
  const shifted = rows.map((row) => ({ ...row, fromMs: shift(row.fromMs), toMs: shift(row.toMs) }));
  const spanMs = Math.max(1, ...shifted.map((row) => row.toMs), writesRefused ? shift(writesRefused.toMs) : 0);
  return {
    startedAt: startedAt + earliest,
    spanMs,
    rows: shifted,
    writesRefused: writesRefused && { fromMs: shift(writesRefused.fromMs), toMs: shift(writesRefused.toMs) },
    ticks: axisTicks(spanMs),
  };
}
