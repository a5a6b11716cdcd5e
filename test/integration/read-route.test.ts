import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as serviceRouteRoute } from "@/app/api/v1/services/[id]/route/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { OPERATIONS } from "@/contracts/operations";
import type { PolicyDocument } from "@/contracts/policy";
import { readRouteSchema, writeRouteSchema } from "@/contracts/services";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { servicePolicyScope } from "@/server/policy/effective-policy";
import { createTestUser, tokenFor } from "../support/api";
import { ApiServer } from "../support/api-server";
import { seedDemoTopology } from "../support/demo-topology";
import { batchOf, standbyReport } from "../support/reports";

/**
 * Read routing through the real HTTP API: the demo service's agents report
 * through the ingest route (lags, and round-trip times to each other's
 * regions), and a client asks the route where to read. Staleness windows are
 * widened to 60 s so a slow machine cannot make a fresh report stale mid-test;
 * a stale report is made by dating one back.
 */
const server = new ApiServer([
  { op: OPERATIONS.ingestReports, handler: ingestRoute },
  { op: OPERATIONS.getWriteRoute, handler: serviceRouteRoute },
]);
const US = "aws:us-east-1";
const IE = "aws:eu-west-1";
const DE = "gcp:europe-west3";
const tokens: Record<string, string> = {};
const seqs: Record<string, number> = {};
let viewer: string;

const peer = (replica: string, regionId: string, rttMs: number) => ({ replica, regionId, reachable: true, rttMs, error: null });
const PEERS: Record<string, AgentReport["peers"]> = {
  "pg-us-east-1": [peer("pg-eu-west-1", IE, 80), peer("pg-europe-west3", DE, 90)],
  "pg-eu-west-1": [peer("pg-us-east-1", US, 82), peer("pg-europe-west3", DE, 14)],
  "pg-europe-west3": [peer("pg-us-east-1", US, 96), peer("pg-eu-west-1", IE, 16)],
};

async function report(name: string, lagSeconds: number | null) {
  const seq = (seqs[name] = (seqs[name] ?? 0) + 1);
  const body =
    name === "pg-us-east-1"
      ? standbyReport(seq, { role: "primary", lsn: { current: "50331744", received: null, replayed: null }, lag: { bytes: null, seconds: null }, walReceiver: null, peers: PEERS[name]! })
      : standbyReport(seq, { lag: { bytes: 1024, seconds: lagSeconds }, peers: PEERS[name]! });
  const response = await fetch(`${server.url}/api/v1/agents/reports`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokens[name]}`, "content-type": "application/json" },
    body: JSON.stringify(batchOf([body])),
  });
  expect(response.status).toBe(200);
}

async function route(query: string) {
  const response = await fetch(`${server.url}/api/v1/services/orders-db/route${query}`, { headers: { authorization: `Bearer ${viewer}` } });
  return { status: response.status, json: (await response.json()) as any };
}

async function readRoute(query: string) {
  const { status, json } = await route(query);
  expect(status).toBe(200);
  return readRouteSchema.parse(json);
}

/** Rewrites every stored version of orders-db's policy (so whichever is in force says it). */
async function changeOrdersPolicy(change: (document: PolicyDocument) => void) {
  const policy = await db().policy.findFirstOrThrow({ where: { scope: servicePolicyScope("orders-db") } });
  for (const version of await db().policyVersion.findMany({ where: { policyId: policy.id } })) {
    const document = structuredClone(version.document) as PolicyDocument;
    change(document);
    await db().policyVersion.update({ where: { id: version.id }, data: { document } });
  }
}

const residency = (jurisdictions: string[], regions: string[] = []) => (document: PolicyDocument) => {
  for (const rule of Object.values(document.datasets)) rule.residency = { jurisdictions, regions };
};

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const version of await db().policyVersion.findMany()) {
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 } } } });
  }
  await server.start();
  for (const name of Object.keys(PEERS)) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    tokens[name] = (await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR)).token;
  }
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
  await report("pg-us-east-1", null);
  await report("pg-eu-west-1", 3);
  await report("pg-europe-west3", 0.5);
});

afterEach(async () => {
  await changeOrdersPolicy(residency(["EU", "US"]));
});

afterAll(async () => {
  await server.stop();
});

describe("GET /api/v1/services/{id}/route (write)", () => {
  it("gives a libpq multi-host connection string, the write replica first, that asks for the read-write session, without credentials", async () => {
    const { status, json } = await route("");
    expect(status).toBe(200);
    const write = writeRouteSchema.parse(json);
    expect(write).toMatchObject({ intent: "write", writeReplica: "pg-us-east-1", endpoint: "postgresql://127.0.0.1:14431/orders" });
    expect(write.connectionString).toBe("postgresql://127.0.0.1:14431,127.0.0.1:14432,127.0.0.1:14433/orders?target_session_attrs=read-write");
  });
});

describe("GET /api/v1/services/{id}/route?intent=read", () => {
  it("routes a read to the closest replica within the lag limit: the one in the client's region", async () => {
    const read = await readRoute("?intent=read&near=aws:eu-west-1&maxLagSeconds=5");
    expect(read.replica).toMatchObject({ name: "pg-eu-west-1", regionId: IE, endpoint: "postgresql://127.0.0.1:14432/orders", lagSeconds: 3, rttMs: 0 });
    expect(read.candidates.map((candidate) => [candidate.name, candidate.rttMs, candidate.serves])).toEqual([
      ["pg-eu-west-1", 0, true],
      ["pg-europe-west3", 15, true],
      ["pg-us-east-1", 81, true],
    ]);
    expect(read.sentence).toBe("Read from pg-eu-west-1 in aws:eu-west-1: it is in aws:eu-west-1, lag 3 s within 5 s");
  });

  it("routes a read near the write replica to the write replica itself (it lags by nothing)", async () => {
    expect((await readRoute("?intent=read&near=aws:us-east-1&maxLagSeconds=5")).replica?.name).toBe("pg-us-east-1");
  });

  it("passes over a replica that lags more than the limit for the next closest, and says why", async () => {
    const read = await readRoute("?intent=read&near=aws:eu-west-1&maxLagSeconds=1");
    expect(read.replica).toMatchObject({ name: "pg-europe-west3", rttMs: 15, lagSeconds: 0.5 });
    expect(read.candidates.find((candidate) => candidate.name === "pg-eu-west-1")).toMatchObject({
      serves: false,
      rule: "read-lag-within-limit",
      reason: "pg-eu-west-1 lags 3 s, more than the limit of 1 s",
    });
  });

  it("never routes to a region a dataset's residency excludes, however close", async () => {
    await changeOrdersPolicy(residency(["EU", "US"], [US, IE]));
    const read = await readRoute("?intent=read&near=gcp:europe-west3&maxLagSeconds=5");
    expect(read.replica?.name).toBe("pg-eu-west-1");
    expect(read.candidates.find((candidate) => candidate.name === "pg-europe-west3")).toMatchObject({
      serves: false,
      rttMs: 0,
      rule: "read-residency-allows",
      reason: expect.stringContaining("residency excludes gcp:europe-west3"),
    });
  });

  it("never routes to a replica whose latest report is stale", async () => {
    const replica = await db().replica.findFirstOrThrow({ where: { name: "pg-eu-west-1" } });
    const state = await db().replicaState.findUniqueOrThrow({ where: { replicaId: replica.id } });
    await db().replicaState.update({ where: { replicaId: replica.id }, data: { receivedAt: new Date(Date.now() - 120_000) } });
    try {
      const read = await readRoute("?intent=read&near=aws:eu-west-1&maxLagSeconds=5");
      expect(read.replica?.name).toBe("pg-europe-west3");
      expect(read.candidates.find((candidate) => candidate.name === "pg-eu-west-1")).toMatchObject({ serves: false, rule: "read-report-current" });
    } finally {
      await db().replicaState.update({ where: { replicaId: replica.id }, data: { receivedAt: state.receivedAt } });
    }
  });

  it("answers 200 with no replica, and each replica's reason, when none qualifies", async () => {
    await changeOrdersPolicy(residency(["EU"]));
    const read = await readRoute("?intent=read&near=aws:eu-west-1&maxLagSeconds=0.1");
    expect(read.replica).toBeNull();
    expect(read.candidates.map((candidate) => [candidate.name, candidate.serves, candidate.rule])).toEqual([
      ["pg-eu-west-1", false, "read-lag-within-limit"],
      ["pg-europe-west3", false, "read-lag-within-limit"],
      ["pg-us-east-1", false, "read-residency-allows"],
    ]);
    expect(read.sentence).toMatch(/^No replica may serve reads near aws:eu-west-1 within 0\.1 s of lag: pg-eu-west-1 lags 3 s/);
  });

  it.each([
    ["?intent=sideways&near=aws:eu-west-1&maxLagSeconds=5", "intent"],
    ["?intent=read&near=mars:olympus-1&maxLagSeconds=5", "near"],
    ["?intent=read&maxLagSeconds=5", "near"],
    ["?intent=read&near=aws:eu-west-1", "maxLagSeconds"],
    ["?intent=read&near=aws:eu-west-1&maxLagSeconds=-1", "maxLagSeconds"],
    ["?intent=read&near=aws:eu-west-1&maxLagSeconds=NaN", "maxLagSeconds"],
    ["?intent=read&near=aws:eu-west-1&maxLagSeconds=soon", "maxLagSeconds"],
    ["?near=aws:eu-west-1", "near"],
  ])("answers 400 naming the parameter: %s", async (query, field) => {
    const { status, json } = await route(query);
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ code: "validation_failed", field, message: expect.stringContaining(field) });
  });

  it("answers 400 for a query parameter it does not know, rather than ignoring it", async () => {
    const { status, json } = await route("?intent=read&near=aws:eu-west-1&maxLagSeconds=5&maxLag=1");
    expect(status).toBe(400);
    expect(json.error.message).toContain("maxLag");
  });

  it("answers 404 for a service that does not exist", async () => {
    const response = await fetch(`${server.url}/api/v1/services/nowhere-db/route?intent=read&near=aws:eu-west-1&maxLagSeconds=5`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(response.status).toBe(404);
  });
});
