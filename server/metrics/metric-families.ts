import "server-only";
import { checkpointMetrics } from "../audit/checkpoint-metrics";
import { requestMetrics } from "../http/request-metrics";
import { ingestMetrics } from "../ingest/ingest-metrics";
import { metrics } from "../loops/loop-metrics";
import { stepMetrics } from "../runs/step-metrics";
import { registerStoreGauges } from "./store-gauges";

/**
 * The control plane's registry with every family on it, including those
 * registered when first used: a scrape names each family from the first one
 * (a dashboard's empty panel then means nothing happened, not a missing metric).
 */
export function controlPlaneRegistry() {
  requestMetrics();
  ingestMetrics();
  stepMetrics();
  checkpointMetrics();
  registerStoreGauges();
  return metrics().registry;
}
