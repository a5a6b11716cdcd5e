import "server-only";
import { Counter, Histogram, Registry } from "prom-client";

/** Why a pass of a loop did not complete. */
export type LoopFailure = "lease_lost" | "error";

/**
 * The control plane's own Prometheus metrics, on a registry of its own (the
 * global one is shared by everything that imports prom-client), one per
 * process and surviving hot reloads: each copy counts what it did.
 */
class ControlPlaneMetrics {
  readonly registry = new Registry();

  readonly loopPasses = new Counter({
    name: "switchyard_loop_passes_total",
    help: "Complete passes of a control-plane loop in this copy, by loop: decider, alerting, delivery (alert notifications), runs, paging, drills, jobs (store upkeep).",
    labelNames: ["loop"] as const,
    registers: [this.registry],
  });

  readonly loopFailures = new Counter({
    name: "switchyard_loop_failures_total",
    help: "Passes of a control-plane loop that did not complete, by reason: its lease was lost mid-pass, or an error.",
    labelNames: ["loop", "reason"] as const,
    registers: [this.registry],
  });

  readonly loopOverruns = new Counter({
    name: "switchyard_loop_overruns_total",
    help: "Passes that took longer than the loop's lease was granted for (the lease was renewed during the pass).",
    labelNames: ["loop"] as const,
    registers: [this.registry],
  });

  readonly loopPassDuration = new Histogram({
    name: "switchyard_loop_pass_duration_seconds",
    help: "Duration of a complete pass of a control-plane loop.",
    labelNames: ["loop"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly loopServiceFailures = new Counter({
    name: "switchyard_loop_service_failures_total",
    help: "Services a complete pass could not handle (e.g. the decider could not decide or carry out for them); the pass went on with the others.",
    labelNames: ["loop"] as const,
    registers: [this.registry],
  });
}

const globalForMetrics = globalThis as unknown as { switchyardMetrics?: ControlPlaneMetrics };

export function metrics(): ControlPlaneMetrics {
  globalForMetrics.switchyardMetrics ??= new ControlPlaneMetrics();
  return globalForMetrics.switchyardMetrics;
}
