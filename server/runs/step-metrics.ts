import "server-only";
import { Histogram } from "prom-client";
import { metrics } from "../loops/loop-metrics";

function create() {
  return new Histogram({
    name: "switchyard_run_step_duration_seconds",
    help: "How long run steps this copy concluded took, from their start to their end, by step kind and the state they ended in.",
    labelNames: ["kind", "state"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [metrics().registry],
  });
}

const globalForMetrics = globalThis as unknown as { switchyardStepMetrics?: Histogram<"kind" | "state"> };

export function stepMetrics(): Histogram<"kind" | "state"> {
  globalForMetrics.switchyardStepMetrics ??= create();
  return globalForMetrics.switchyardStepMetrics;
}

/** Counts a step that ended (succeeded, failed or skipped) after running since `startedAt`. */
export function countStepEnded(kind: string, state: string, startedAt: Date, finishedAt: Date): void {
  stepMetrics().observe({ kind, state }, Math.max(0, finishedAt.getTime() - startedAt.getTime()) / 1000);
}
