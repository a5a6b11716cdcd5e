/**
 * A full garbage collection on a timer, when Node was started with
 * `--expose-gc` (AGENT_NODE_FLAGS). V8 collects the old generation only when
 * it reaches a limit it set at least 2 MB above what the last collection left
 * live; the agent's few kB a second of survivors take it there in minutes,
 * and its resident memory saws up and down by that step (BENCHMARKS.md,
 * "Collecting before V8's limit"). A collection every two minutes, ~12 ms
 * of one core on this machine, holds it within a few hundred kB of what is live.
 */
export const FULL_COLLECTION_EVERY_MS = 120_000;

type Collect = () => void;

/** `gc` as `--expose-gc` defines it, or null when Node runs without it. */
export function exposedCollector(scope: { gc?: unknown } = globalThis): Collect | null {
  const gc = scope.gc;
  return typeof gc === "function" ? () => gc() : null;
}

/** Runs `collect` every `everyMs` until stopped; the timer never keeps the process alive. */
export function collectEvery(collect: Collect, everyMs = FULL_COLLECTION_EVERY_MS): { stop(): void } {
  const timer = setInterval(collect, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
