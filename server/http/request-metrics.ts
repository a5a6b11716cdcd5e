import "server-only";
import { Counter, Histogram } from "prom-client";
import type { ApiOperation } from "@/contracts/operations";
import { metrics } from "../loops/loop-metrics";

/** The API's request metrics, on the control plane's registry (`GET /api/v1/metrics`), labelled by the operation's path template, never the URL asked for. */
function create() {
  const { registry } = metrics();
  return {
    requests: new Counter({
      name: "switchyard_http_requests_total",
      help: "API requests this copy answered, by method, operation path (its template) and status.",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "switchyard_http_request_duration_seconds",
      help: "Time this copy took to answer an API request (to the answer's headers), by method and operation path.",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
      registers: [registry],
    }),
  };
}

type RequestMetrics = ReturnType<typeof create>;
const globalForMetrics = globalThis as unknown as { switchyardRequestMetrics?: RequestMetrics };

export function requestMetrics(): RequestMetrics {
  globalForMetrics.switchyardRequestMetrics ??= create();
  return globalForMetrics.switchyardRequestMetrics;
}

/** Counts one answered request of `op`. */
export function countRequest(op: ApiOperation, status: number, seconds: number): void {
  const { requests, duration } = requestMetrics();
  requests.inc({ method: op.method, route: op.path, status: String(status) });
  duration.observe({ method: op.method, route: op.path }, seconds);
}
