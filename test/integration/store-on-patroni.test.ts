import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditVerificationSchema } from "@/contracts/audit";
import { runSchema } from "@/contracts/runs";
import { PatroniStore } from "../support/patroni-store";
import { startProduct, until, type Product } from "../support/product";

/**
 * The control plane's own store as a Patroni-managed PostgreSQL 15 cluster
 * (three nodes, synchronous mode) behind HAProxy, as README "The store on a
 * highly available PostgreSQL" sets it up. Its primary node is SIGKILLed
 * (Patroni and PostgreSQL at once) while the lab's agents report, a planned
 * switchover is carrying out its steps and the alert evaluator runs: the
 * control plane must come back on the new store primary by itself and lose,
 * repeat or corrupt nothing.
 */
describe("the store on a Patroni cluster", () => {
  let store: PatroniStore;
  let product: Product;

  beforeAll(async () => {
    store = await PatroniStore.start();
    product = await startProduct({ labServices: ["orders-db"], env: { DATABASE_URL: store.url("app"), MIGRATION_DATABASE_URL: store.url("owner") } });
  }, 420_000);

  afterAll(async () => {
    await product?.running.stop();
    await store?.stop();
  }, 120_000);

  async function storeQuery<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: store.superuserUrl() });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  it("survives losing the store's primary in the middle of a run, with nothing lost, repeated or broken", { timeout: 420_000 }, async () => {
    const { api, operator, admin } = product;
    await product.healthy(120_000);
    const formerStorePrimary = await store.leader();
    expect(formerStorePrimary).not.toBeNull();

    const started = await api("POST", "/api/v1/runbooks/planned-switchover/runs", operator, {
      params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "store failover test" },
    });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const runId = runSchema.parse(started.json).id;
    await until("the manual confirmation", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) =>
      json.steps?.find((step: { stepId: string }) => step.stepId === "confirm")?.state === "waiting",
    );
    const confirmed = await api("POST", `/api/v1/runs/${runId}/steps/confirm/confirm`, operator, { note: "go" });
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);

    // The run's steps are now being carried out: the store's primary goes away under them.
    const killedAt = Date.now();
    store.killNode(formerStorePrimary!);

    // What a client of the console sees: requests failing until the control plane is on the new store primary.
    let lastFailureAt = killedAt;
    await until(
      "the API to answer from the new store primary",
      async () => {
        const answer = await fetch(`${product.running.url}/api/v1/services/orders-db`, {
          headers: { authorization: `Bearer ${operator}` },
          signal: AbortSignal.timeout(5_000),
        }).catch(() => null);
        if (answer?.status !== 200) lastFailureAt = Date.now();
        return answer?.status ?? 0;
      },
      (status) => status === 200 && Date.now() - lastFailureAt > 5_000,
      180_000,
    );
    console.log(`store failover: the control plane's API failed for ${((lastFailureAt - killedAt) / 1000).toFixed(1)} s after the store's primary was killed`);
    const newStorePrimary = await store.leader();
    expect(newStorePrimary).not.toBeNull();
    expect(newStorePrimary).not.toBe(formerStorePrimary);

    const finished = await until("the run to finish", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status), 240_000);
    const run = runSchema.parse(finished.json);
    expect(run.status, JSON.stringify(run.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("succeeded");

    // No step was carried out twice: each succeeded once, and each command to an agent exists once and succeeded.
    const stepSuccesses = await storeQuery<{ step: string; times: number }>(
      `SELECT details->>'step' AS step, count(*)::int AS times FROM "AuditEvent" WHERE "runId" = $1 AND action = 'run.step' AND details->>'state' = 'succeeded' GROUP BY 1`,
      [runId],
    );
    const succeeded = new Set(run.steps.filter((step) => step.state === "succeeded").map((step) => step.stepId));
    expect(stepSuccesses.length).toBeGreaterThan(0);
    for (const { step, times } of stepSuccesses) {
      expect(succeeded.has(step), `step ${step}`).toBe(true);
      expect(times, `step ${step}`).toBe(1);
    }
    const commands = await storeQuery<{ kind: string; status: string }>(`SELECT kind, status::text FROM "AgentCommand" WHERE "runId" = $1`, [runId]);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command.status, command.kind).toBe("succeeded");

    // Every lease is held and renewed on the new store primary, its fencing token not gone backwards.
    await until(
      "every lease renewed on the new store primary",
      () => storeQuery<{ name: string; expiresAt: Date }>(`SELECT name, "expiresAt" FROM "Lease"`),
      (leases) => leases.length > 0 && leases.every((lease) => lease.expiresAt.getTime() > Date.now()),
    );

    // The agents' reports queued while the store was away arrived, each exactly once.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const perAgent = await storeQuery<{ agentId: string; stored: number; distinct: number; first: string; last: string; lastSeq: string; duringOutage: number }>(
      `SELECT s."agentId", count(*)::int AS stored, count(DISTINCT s.seq)::int AS distinct, min(s.seq)::text AS first, max(s.seq)::text AS last,
              a."lastSeq"::text AS "lastSeq",
              count(*) FILTER (WHERE s."observedAt" BETWEEN to_timestamp($1 / 1000.0) AND to_timestamp($2 / 1000.0))::int AS "duringOutage"
         FROM "Sample" s JOIN "Agent" a ON a.id = s."agentId" GROUP BY s."agentId", a."lastSeq"`,
      [killedAt, lastFailureAt],
    );
    expect(perAgent.length).toBe(3);
    for (const agent of perAgent) {
      expect(agent.distinct, `${agent.agentId}: a report stored twice`).toBe(agent.stored);
      expect(BigInt(agent.last) - BigInt(agent.first) + 1n, `${agent.agentId}: a report missing`).toBe(BigInt(agent.stored));
      expect(agent.lastSeq).toBe(agent.last);
      expect(agent.duringOutage, `${agent.agentId}: nothing observed while the store was away reached it`).toBeGreaterThan(0);
    }

    const verification = await api("GET", "/api/v1/audit/verify", admin);
    expect(verification.status).toBe(200);
    expect(auditVerificationSchema.parse(verification.json).intact).toBe(true);
  });
});
