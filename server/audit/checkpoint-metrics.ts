import "server-only";
import { Counter, Gauge } from "prom-client";
import { metrics } from "../loops/loop-metrics";

/** The checkpoint publisher's metrics, on the control plane's registry (`GET /api/v1/metrics`). */
function create() {
  const { registry } = metrics();
  return {
    publications: new Counter({
      name: "switchyard_audit_checkpoint_publications_total",
      help: "Signed audit checkpoints this copy tried to publish off the box, by sink (file, webhook, s3) and outcome (success, failure).",
      labelNames: ["sink", "outcome"] as const,
      registers: [registry],
    }),
    publishedSeq: new Gauge({
      name: "switchyard_audit_checkpoint_published_seq",
      help: "The seq of the last audit checkpoint this copy published to each sink.",
      labelNames: ["sink"] as const,
      registers: [registry],
    }),
    rounds: new Counter({
      name: "switchyard_audit_checkpoint_rounds_total",
      help: "Rounds of the audit checkpoint publisher in this copy, by outcome: published (or nothing new), failed (a sink or the settings), chain_broken (the chain no longer verifies or no longer matches what was published: nothing is published).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
  };
}

type CheckpointMetrics = ReturnType<typeof create>;
const globalForMetrics = globalThis as unknown as { switchyardCheckpointMetrics?: CheckpointMetrics };

export function checkpointMetrics(): CheckpointMetrics {
  globalForMetrics.switchyardCheckpointMetrics ??= create();
  return globalForMetrics.switchyardCheckpointMetrics;
}
