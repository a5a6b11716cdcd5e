import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as serviceRoute } from "@/app/api/v1/services/[id]/route";
import { POST as applyRoute } from "@/app/api/v1/topology/apply/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { serviceDetailSchema } from "@/contracts/services";
import type { FleetService } from "@/contracts/topology";
import { MariadbAdapter } from "@/agents/mariadb/mariadb-adapter";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { liveFleetDocument } from "@/server/topology/export-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";
import { MariadbTrio, type MariadbNode } from "../support/mariadb-trio";
import { batchOf } from "../support/reports";

/**
 * A MariaDB service under the control plane: declared by a fleet document
 * (engine mariadb), its agents' reports, measured on three real MariaDB
 * servers by the MariaDB adapter, accepted and stored with their positions
 * and GTIDs, and the service shown like a PostgreSQL one.
 */

let trio: MariadbTrio;
let admin: string;
const tokens: Record<string, string> = {};

function sessionsDb(nodes: MariadbNode[]): FleetService {
  const regions = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"];
  return {
    id: "sessions-db",
    name: "Sessions database",
    description: "MariaDB with GTID replication, semi-synchronous for sessions.",
    labels: {},
    engine: "mariadb",
    primary: nodes[0]!.name,
    datasets: [{ name: "sessions", ownerTeam: "identity", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }],
    replicas: nodes.map((node, index) => ({
      name: node.name,
      region: regions[index]!,
      host: "127.0.0.1",
      port: node.port,
      database: "sessions",
      replication: index === 2 ? "async" : "sync",
      promotionPriority: 100 - index * 10,
      noPromote: false,
      witnessOnly: false,
    })),
  };
}

async function report(node: MariadbNode, seq: number): Promise<AgentReport> {
  const adapter = new MariadbAdapter(trio.url(node, "monitor"), 5000);
  try {
    return { seq, observedAt: new Date().toISOString(), ...(await adapter.probe()), peers: [] };
  } finally {
    await adapter.close();
  }
}

beforeAll(async () => {
  trio = await MariadbTrio.start(["sess-us-east-1", "sess-eu-west-1", "sess-europe-west3"]);
  await seedDemoTopology(db());
  admin = await tokenFor((await createTestUser("mariadb-admin@example.com", ["admin"])).id);
});

afterAll(async () => {
  await trio?.stopAll();
});

describe("a MariaDB service under the control plane", () => {
  it("is declared by a fleet document with engine mariadb", async () => {
    const document = await liveFleetDocument();
    const applied = await call(applyRoute, { method: "POST", token: admin, body: { document: { ...document, services: [...document.services, sessionsDb(trio.nodes)] }, reason: "onboard sessions-db" } });
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    expect(await db().service.findUniqueOrThrow({ where: { id: "sessions-db" } })).toMatchObject({ engine: "mariadb" });
    expect((await liveFleetDocument()).services.find((service) => service.id === "sessions-db")).toMatchObject({ engine: "mariadb", primary: "sess-us-east-1" });
    for (const node of trio.nodes) {
      const replica = await db().replica.findFirstOrThrow({ where: { serviceId: "sessions-db", name: node.name } });
      tokens[node.name] = (await registerAgent({ replicaId: replica.id, name: `agent-${node.name}` }, SYSTEM_ACTOR)).token;
    }
  });

  it("takes its agents' reports as measured on MariaDB, positions and GTIDs stored", async () => {
    await trio.as(trio.nodes[0]!, "app", "INSERT INTO sessions (id, payload) VALUES (1, 'a session')");
    for (const [index, node] of trio.nodes.entries()) {
      let measured = await report(node, 1);
      // The replicas may still be applying what the setup wrote.
      for (let attempt = 2; index > 0 && measured.lag.bytes !== 0 && attempt < 100; attempt += 1) measured = await report(node, attempt);
      const posted = await call(ingestRoute, { method: "POST", path: "/api/v1/agents/reports", token: tokens[node.name], body: batchOf([measured]) });
      expect(posted.status, JSON.stringify(posted.json)).toBe(200);
      const replica = await db().replica.findFirstOrThrow({ where: { serviceId: "sessions-db", name: node.name } });
      const state = await db().replicaState.findUniqueOrThrow({ where: { replicaId: replica.id } });
      const stored = state.report as AgentReport;
      expect(stored.engine).toBe("mariadb");
      if (index === 0) {
        expect(state).toMatchObject({ role: "primary", currentLsn: BigInt(measured.lsn.current!) });
        expect(stored.mariadb?.gtidBinlogPos).toBe(`0-1-${measured.lsn.current}`);
      } else {
        expect(state).toMatchObject({ role: "standby", replayedLsn: BigInt(measured.lsn.replayed!), lagBytes: 0n });
        expect(stored.mariadb?.gtidSlavePos).toBe(`0-1-${measured.lsn.replayed}`);
      }
    }
  });

  it("is shown like a PostgreSQL service: engine, replicas, roles, lag", async () => {
    const { status, json } = await call(serviceRoute, { path: "/api/v1/services/sessions-db", token: admin, params: { id: "sessions-db" } });
    expect(status).toBe(200);
    const detail = serviceDetailSchema.parse(json);
    expect(detail.engine).toBe("mariadb");
    const primary = detail.replicas.find((replica) => replica.name === "sess-us-east-1")!;
    expect(primary.live.gtid).toEqual({ current: `0-1-${primary.live.lsn.current}`, received: null, replayed: null });
    const replica = detail.replicas.find((candidate) => candidate.name === "sess-eu-west-1")!;
    expect(replica.live.gtid).toMatchObject({ replayed: `0-1-${replica.live.lsn.replayed}` });
    expect(detail.replicas.map((replica) => [replica.name, replica.role])).toEqual(
      expect.arrayContaining([
        ["sess-us-east-1", "primary"],
        ["sess-eu-west-1", "standby"],
        ["sess-europe-west3", "standby"],
      ]),
    );
  });
});
