import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { buildAgentBundle } from "@/agents/build";
import type { AgentConfig } from "@/agents/config";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { RouteServer } from "../support/route-server";
import { superuserDatabaseUrl } from "../support/sql";

const OUTAGE_MS = 30_000;
const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-outage-"));
chmodSync(dir, 0o755);
const server = new RouteServer((request) => ingestRoute(request), { reportStream: true });
const agents: { name: string; id: string; process: ChildProcess }[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stopAgent(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

beforeAll(async () => {
  await seedDemoTopology(db());
  const port = await server.start();
  const bundle = path.join(dir, "switchyard-agent.cjs");
  await buildAgentBundle(bundle);
  for (const replica of await db().replica.findMany({ where: { serviceId: "orders-db" } })) {
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${replica.name}` }, SYSTEM_ACTOR);
    // Every agent probes a real PostgreSQL: the test's own store.
    const config: AgentConfig = {
      controlPlaneUrl: `http://127.0.0.1:${port}`,
      token: issued.token,
      agentName: issued.agent.name,
      replica: { name: replica.name, regionId: replica.regionId, engine: "postgresql", connectionString: superuserDatabaseUrl() },
      peers: [],
      intervalMs: 250,
      probeTimeoutMs: 2_000,
      queue: { dir: path.join(dir, replica.name, "queue"), maxBytes: 64 * 1024 * 1024 },
      metrics: { port: 0, host: "127.0.0.1" },
      health: { port: 0, host: "127.0.0.1" },
    };
    const file = path.join(dir, `${replica.name}.json`);
    writeFileSync(file, JSON.stringify(config));
    agents.push({ name: replica.name, id: issued.agent.id, process: spawn(process.execPath, [bundle, file], { stdio: "ignore" }) });
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((agent) => stopAgent(agent.process)));
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a control plane that is down for 30 s while agents run", () => {
  it("afterwards holds every report exactly once, in order", async () => {
    await sleep(3_000);
    const outageStart = new Date();
    await server.stop();
    await sleep(OUTAGE_MS);
    const outageEnd = new Date();
    await server.start(server.port);
    // Let the queues drain, then stop the agents; they deliver once more on the way out.
    await sleep(8_000);
    await Promise.all(agents.map((agent) => stopAgent(agent.process)));

    for (const agent of agents) {
      const { lastSeq, droppedReports } = await db().agent.findUniqueOrThrow({ where: { id: agent.id } });
      const samples = await db().sample.findMany({ where: { agentId: agent.id }, orderBy: { id: "asc" }, select: { seq: true, observedAt: true } });
      const seqs = samples.map((sample) => Number(sample.seq));
      expect(droppedReports, agent.name).toBe(0);
      // Exactly once: 1, 2, …, lastSeq, each present once, stored in the order the agent made them.
      expect(seqs, agent.name).toEqual(Array.from({ length: Number(lastSeq) }, (_, i) => i + 1));
      const duringOutage = samples.filter((sample) => sample.observedAt > outageStart && sample.observedAt < outageEnd);
      // At four reports a second, the outage alone produced over a hundred; all of them arrived afterwards.
      expect(duringOutage.length, agent.name).toBeGreaterThan(100);
    }
  });
});
