import "server-only";
import { Counter, Gauge, Histogram } from "prom-client";
import { metrics } from "../loops/loop-metrics";

/** What this copy's ingest stored, on the control plane's registry (`GET /api/v1/metrics`). */
function create() {
  const { registry } = metrics();
  return {
    reports: new Counter({
      name: "switchyard_ingest_reports_total",
      help: "Agent reports this copy stored (each exactly once: a batch already stored is refused and not counted).",
      registers: [registry],
    }),
    batches: new Counter({
      name: "switchyard_ingest_batches_total",
      help: "Report batches this copy was sent, by outcome: stored, or duplicate (already stored; the agent drops what was and resends the rest).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    age: new Histogram({
      name: "switchyard_ingest_report_age_seconds",
      help: "Age of each stored report when it arrived (arrival by this copy's clock minus the agent's observation time): the ingest lag, queueing on the agent included.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    }),
    streams: new Gauge({
      name: "switchyard_ingest_streams_open",
      help: "Agents' report streams this copy holds open now (each agent keeps one, to one copy).",
      registers: [registry],
    }),
    openings: new Counter({
      name: "switchyard_ingest_stream_openings_total",
      help: "Report streams agents asked this copy to open, by outcome: opened, refused (token unknown or revoked, or the store unreachable), or shed (the copy was seconds behind storing: 503 with a Retry-After).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    groups: new Histogram({
      name: "switchyard_ingest_group_batches",
      help: "Report batches stored by each group-commit statement of this copy (one per agent stream that sent within the window).",
      buckets: [1, 5, 10, 25, 50, 100, 200, 300, 500],
      registers: [registry],
    }),
    groupSeconds: new Histogram({
      name: "switchyard_ingest_group_seconds",
      help: "How long each group-commit statement of this copy took to store its batches (a store that takes longer than the group window makes reports older).",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
  };
}

type IngestMetrics = ReturnType<typeof create>;
const globalForMetrics = globalThis as unknown as { switchyardIngestMetrics?: IngestMetrics };

export function ingestMetrics(): IngestMetrics {
  globalForMetrics.switchyardIngestMetrics ??= create();
  return globalForMetrics.switchyardIngestMetrics;
}

/** Counts a stored batch and the age of each of its reports at `receivedAt`. */
export function countStoredBatch(observedAts: readonly string[], receivedAt: Date): void {
  const { reports, batches, age } = ingestMetrics();
  batches.inc({ outcome: "stored" });
  reports.inc(observedAts.length);
  for (const observedAt of observedAts) age.observe(Math.max(0, (receivedAt.getTime() - Date.parse(observedAt)) / 1000));
}

export function countDuplicateBatch(): void {
  ingestMetrics().batches.inc({ outcome: "duplicate" });
}
