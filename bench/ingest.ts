/**
 * Ingest benchmark: N registered agents post batches of simulated reports to
 * a real control plane (production build, embedded PostgreSQL) as fast as it
 * acknowledges them, for a fixed time. Reports sustained reports/s, the
 * acknowledgement latency of each batch, and proves none was lost or stored
 * twice by counting the store afterwards.
 *
 *   npm run bench:ingest -- --agents 200 --batch 5 --concurrency 16 --seconds 60
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { simulatedReport } from "@/agents/adapters/simulated-adapter";
import { createDb } from "@/server/db/client";
import { adminToken, startControlPlane } from "./support/control-plane";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "200" },
    batch: { type: "string", default: "5" },
    concurrency: { type: "string", default: "16" },
    seconds: { type: "string", default: "60" },
  },
});
const AGENTS = Number(values.agents);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);

const controlPlane = await startControlPlane();
const db = createDb(controlPlane.databaseUrl, 2);
try {
  const token = await adminToken(controlPlane.url);

  // The fleet: one service with a replica per agent (no API creates topology yet).
  await db.region.upsert({ where: { id: "bench:region-1" }, create: { id: "bench:region-1", cloud: "bench", code: "region-1", jurisdiction: "EU", displayName: "Bench" }, update: {} });
  await db.service.create({ data: { id: "bench-fleet", name: "Benchmark fleet", engine: "simulated" } });
  await db.replica.createMany({
    data: Array.from({ length: AGENTS }, (_, i) => ({
      serviceId: "bench-fleet",
      regionId: "bench:region-1",
      name: `replica-${i}`,
      role: "standby" as const,
      engine: "simulated" as const,
      host: "127.0.0.1",
      port: 1,
      databaseName: "bench",
      replication: "async" as const,
    })),
  });
  const replicas = await db.replica.findMany({ where: { serviceId: "bench-fleet" }, orderBy: { name: "asc" } });
  const agents: { id: string; token: string; seq: number; index: number }[] = [];
  for (const [index, replica] of replicas.entries()) {
    const response = await fetch(`${controlPlane.url}/api/v1/agents`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ replicaId: replica.id, name: `bench-agent-${index}` }),
    });
    if (response.status !== 201) throw new Error(`registering agent ${index}: ${response.status} ${await response.text()}`);
    const issued = (await response.json()) as { agent: { id: string }; token: string };
    agents.push({ id: issued.agent.id, token: issued.token, seq: 0, index });
  }

  const latencies: number[] = [];
  let accepted = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;

  // Each worker owns a disjoint share of the agents, so an agent's batches are
  // strictly sequential, as a real agent's are.
  async function worker(share: typeof agents): Promise<void> {
    for (let turn = 0; performance.now() < deadline; turn++) {
      const agent = share[turn % share.length]!;
      const now = new Date().toISOString();
      const reports = Array.from({ length: BATCH }, (_, i) => ({ ...simulatedReport(agent.index, agent.seq + i, "standby"), seq: agent.seq + i + 1, observedAt: now }));
      const t0 = performance.now();
      const response = await fetch(`${controlPlane.url}/api/v1/agents/reports`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${agent.token}` },
        body: JSON.stringify({ sentAt: now, agentVersion: "bench", droppedReports: 0, reports }),
      });
      const answer = (await response.json()) as { accepted?: number };
      latencies.push(performance.now() - t0);
      if (response.status === 200) {
        accepted += answer.accepted ?? 0;
        agent.seq += BATCH;
      } else {
        failures++;
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(agents.filter((_, i) => i % CONCURRENCY === w))));
  const elapsed = (performance.now() - started) / 1000;

  const sent = agents.reduce((sum, agent) => sum + agent.seq, 0);
  const [{ count }] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) FROM "Sample" s JOIN "Agent" a ON a.id = s."agentId" WHERE a.name LIKE 'bench-agent-%'`.then((rows) => rows as [{ count: bigint }]);
  const lastSeqs = await db.agent.findMany({ where: { name: { startsWith: "bench-agent-" } }, select: { id: true, lastSeq: true } });
  const seqMismatches = lastSeqs.filter((row) => Number(row.lastSeq) !== agents.find((agent) => agent.id === row.id)!.seq).length;
  const latency = summarize(latencies);

  const result = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    parameters: { agents: AGENTS, reportsPerBatch: BATCH, concurrentRequests: CONCURRENCY, seconds: SECONDS },
    reportsPerSecond: round(accepted / elapsed),
    batchesPerSecond: round(latencies.length / elapsed),
    ackLatencyMs: { p50: round(latency.p50), p95: round(latency.p95), p99: round(latency.p99), max: round(latency.max) },
    accepted,
    acknowledgedBySeq: sent,
    storedInStore: Number(count),
    lost: sent - Number(count),
    failedBatches: failures,
    agentsWhoseLastSeqDisagrees: seqMismatches,
  };
  console.log(JSON.stringify(result, null, 2));
  if (result.lost !== 0 || seqMismatches !== 0 || accepted !== Number(count)) process.exitCode = 1;
} finally {
  await db.$disconnect();
  await controlPlane.stop();
}
