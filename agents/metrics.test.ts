import type { AddressInfo } from "node:net";
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { AgentMetrics, serveMetrics } from "./metrics";

let server: http.Server | null = null;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

async function get(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: pathname }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("agent metrics", () => {
  it("are served as Prometheus text at /metrics, from the agent's own registry", async () => {
    const metrics = new AgentMetrics();
    metrics.queueDepth.set(12);
    metrics.deliveryFailures.inc({ reason: "unreachable" });
    metrics.probeDuration.observe({ target: "witness" }, 0.004);
    server = await serveMetrics(metrics, 0, "127.0.0.1");
    const { port } = server.address() as AddressInfo;

    const { status, body } = await get(port, "/metrics");
    expect(status).toBe(200);
    expect(body).toContain("switchyard_agent_queue_depth 12");
    expect(body).toContain('switchyard_agent_delivery_failures_total{reason="unreachable"} 1');
    expect(body).toContain('switchyard_agent_delivery_failures_total{reason="unauthorized"} 0');
    expect(body).toContain('switchyard_agent_probe_duration_seconds_bucket{le="0.005",target="witness"} 1');
    expect(body).toContain("process_resident_memory_bytes");
    expect((await get(port, "/")).status).toBe(404);
  });

  it("report the event loop's delay beyond the sampling timer's second, not the second itself", async () => {
    const metrics = new AgentMetrics();
    // Three samples of the once-a-second histogram, on a loop with nothing to do.
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    const body = await metrics.registry.metrics();
    for (const statistic of ["min", "mean", "p50", "p99"]) {
      const line = body.split("\n").find((candidate) => candidate.startsWith(`nodejs_eventloop_lag_${statistic}_seconds `));
      const seconds = Number(line?.split(" ")[1]);
      // Read as the time between two samples, each would be a second or more.
      expect(seconds, statistic).toBeGreaterThanOrEqual(0);
      expect(seconds, statistic).toBeLessThan(0.5);
    }
    expect(body).toMatch(/# HELP nodejs_eventloop_lag_p99_seconds .*beyond the 1000 ms/);
  });

  it("keep separate registries per instance", async () => {
    const a = new AgentMetrics({ processMetrics: false });
    const b = new AgentMetrics({ processMetrics: false });
    a.queueDepth.set(5);
    expect(await b.registry.getSingleMetricAsString("switchyard_agent_queue_depth")).toContain("switchyard_agent_queue_depth 0");
  });
});
