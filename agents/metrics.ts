import http from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export type DeliveryFailureReason = "unreachable" | "busy" | "unauthorized" | "rejected" | "conflict" | "unexpected";
export type DropReason = "queue_full" | "rejected";
export type SelfFenceReason = "refused" | "lapsed";
export type LeaseRenewalOutcome = "granted" | "refused" | "no_answer";
export type VouchOutcome = "accepted" | "refused";

/**
 * The agent's Prometheus metrics, on a registry of its own: the global one
 * is shared by everything that imports prom-client in the process.
 */
export class AgentMetrics {
  readonly registry = new Registry();

  readonly probeDuration = new Histogram({
    name: "switchyard_agent_probe_duration_seconds",
    help: "Duration of a probe of the local replica (local) or of a peer region's replica (witness).",
    labelNames: ["target"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({ name: "switchyard_agent_queue_depth", help: "Reports waiting in the on-disk queue.", registers: [this.registry] });

  readonly queueBytes = new Gauge({ name: "switchyard_agent_queue_bytes", help: "Bytes of the reports waiting in the on-disk queue.", registers: [this.registry] });

  readonly reportsDropped = new Counter({
    name: "switchyard_agent_reports_dropped_total",
    help: "Reports lost: pushed out of the full queue (queue_full) or refused by the control plane as invalid (rejected).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly deliveryFailures = new Counter({
    name: "switchyard_agent_delivery_failures_total",
    help: "Batches the control plane did not store, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly lagBytes = new Gauge({ name: "switchyard_agent_lag_bytes", help: "Last measured replication lag of the local replica, in bytes.", registers: [this.registry] });

  readonly lagSeconds = new Gauge({ name: "switchyard_agent_lag_seconds", help: "Last measured replication lag of the local replica, in seconds.", registers: [this.registry] });

  readonly replicaReachable = new Gauge({ name: "switchyard_agent_replica_reachable", help: "1 when the last probe reached the local replica.", registers: [this.registry] });

  readonly lastDelivery = new Gauge({
    name: "switchyard_agent_last_delivery_timestamp_seconds",
    help: "When the control plane last stored a batch, in seconds since the epoch.",
    registers: [this.registry],
  });

  readonly clockSkew = new Gauge({ name: "switchyard_agent_clock_skew_seconds", help: "Agent clock minus control-plane clock, as the control plane estimates it.", registers: [this.registry] });

  readonly ticksSkipped = new Counter({ name: "switchyard_agent_ticks_skipped_total", help: "Ticks skipped because the previous one was still running.", registers: [this.registry] });

  readonly commands = new Counter({
    name: "switchyard_agent_commands_total",
    help: "Commands the agent answered, by kind (\"unknown\" for one it could not read) and outcome.",
    labelNames: ["kind", "outcome"] as const,
    registers: [this.registry],
  });

  readonly epoch = new Gauge({ name: "switchyard_agent_epoch", help: "The newest fencing epoch the agent has accepted a command from.", registers: [this.registry] });

  readonly primaryLeaseHeld = new Gauge({
    name: "switchyard_agent_primary_lease_held",
    help: "1 while the local primary holds its self-fencing lease (through the control plane, its witnesses or the grace after start); 0 otherwise, and on a standby.",
    registers: [this.registry],
  });

  readonly leaseRenewals = new Counter({
    name: "switchyard_agent_lease_renewals_total",
    help: "The primary's lease requests, by what the control plane answered (no_answer: unreachable, or an answer that is neither).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly selfFences = new Counter({
    name: "switchyard_agent_self_fences_total",
    help: "Times the agent made its primary read-only by itself: the control plane refused the lease (refused) or nobody renewed it in time (lapsed).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly vouches = new Counter({
    name: "switchyard_agent_vouches_total",
    help: "Notifications on the witnesses' channel the primary's agent received: vouches it counted (accepted) and everything else (refused: unsigned, unlisted, replayed, for another primary).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  /** `processMetrics` adds prom-client's process metrics (memory, CPU, event loop). */
  constructor({ processMetrics = true }: { processMetrics?: boolean } = {}) {
    for (const reason of ["unreachable", "busy", "unauthorized", "rejected", "conflict", "unexpected"] satisfies DeliveryFailureReason[]) this.deliveryFailures.inc({ reason }, 0);
    for (const reason of ["queue_full", "rejected"] satisfies DropReason[]) this.reportsDropped.inc({ reason }, 0);
    for (const reason of ["refused", "lapsed"] satisfies SelfFenceReason[]) this.selfFences.inc({ reason }, 0);
    for (const outcome of ["granted", "refused", "no_answer"] satisfies LeaseRenewalOutcome[]) this.leaseRenewals.inc({ outcome }, 0);
    for (const outcome of ["accepted", "refused"] satisfies VouchOutcome[]) this.vouches.inc({ outcome }, 0);
    if (!processMetrics) return;
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
    publishDelaysBeyondTheTimer(this.registry);
  }
}

/**
 * How often the event loop's delay is sampled. prom-client's default, every
 * 10 ms, woke the agent 100 times a second and cost it 40% of its CPU
 * (measured); once a second is plenty for a process that works once a second.
 */
const EVENT_LOOP_PRECISION_MS = 1000;

/**
 * prom-client's event-loop delay gauges read Node's histogram, whose samples
 * are the times between two callbacks of its timer: at a 1 s precision every
 * one of them is 1 s plus the delay, so an idle agent would show 1 s of lag.
 * Published under the same names, they are the delay alone. The standard
 * deviation, unchanged by the shift, stays as it is.
 */
function publishDelaysBeyondTheTimer(registry: Registry): void {
  const timerSeconds = EVENT_LOOP_PRECISION_MS / 1000;
  const statistics = { min: "shortest", max: "longest", mean: "mean", p50: "50th percentile", p90: "90th percentile", p99: "99th percentile" };
  for (const [statistic, what] of Object.entries(statistics)) {
    const name = `nodejs_eventloop_lag_${statistic}_seconds`;
    const sampled = registry.getSingleMetric(name) as Gauge | undefined;
    if (!sampled) continue;
    registry.removeSingleMetric(name);
    // Collected after prom-client's nodejs_eventloop_lag_seconds, registered first, has set `sampled` from the histogram.
    new Gauge({
      name,
      help: `The ${what} of the event loop's recorded delays beyond the ${EVENT_LOOP_PRECISION_MS} ms its sampling timer waits, in seconds.`,
      registers: [registry],
      async collect() {
        const value = (await sampled.get()).values[0]?.value;
        if (value !== undefined && Number.isFinite(value)) this.set(Math.max(0, value - timerSeconds));
      },
    });
  }
}

/** `GET /metrics` on its own small server; nothing else is served. */
export async function serveMetrics(metrics: AgentMetrics, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
