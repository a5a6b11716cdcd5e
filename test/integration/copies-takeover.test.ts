import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { anotherCopyEnv, startControlPlane, type RunningControlPlane } from "@/bench/support/control-plane";
import { killRegion } from "@/lab/faults";
import { verifyLedger } from "@/lab/verify";
import { ORDERS_DB_ONLY, productForFile, until } from "../support/product";

/**
 * Three control-plane copies on one store (issue 21): the product with its
 * lab (its loops off), and two more copies on its store with its keys, which
 * run the loops. The copy carrying out
 * an automatic failover — holding the run executor's lease, and whatever
 * other leases it holds — is SIGKILLed in the middle of it, as a crashed
 * host would be, giving nothing up. Another copy takes the lease over when
 * it expires and finishes the run: no step carried out twice, no second run,
 * no acknowledged write lost.
 */
// The first copy serves the API and the lab's agents with its loops off, so that the copy killed below is one the agents
// do not depend on: the other two run every loop and compete for the leases.
const product = productForFile({ ...ORDERS_DB_ONLY, env: { SWITCHYARD_JOBS: "off" } });
const copies: RunningControlPlane[] = [];
let store: pg.Client | null = null;

afterAll(async () => {
  await store?.end();
  for (const copy of copies) await copy.stop();
}, 120_000);

const LEASES = ["automation", "run-executor", "alerting"];
const pidOf = (holder: string) => Number(holder.split(":").at(-2));
const nextPid = (running: RunningControlPlane) => Number(readFileSync(path.join(running.dataDir, "control-plane.pid"), "utf8"));

async function leases(): Promise<Map<string, { holder: string; token: bigint }>> {
  const { rows } = await store!.query<{ name: string; holder: string; token: string }>(`SELECT name, holder, token::text FROM "Lease" WHERE name = ANY($1) AND "expiresAt" > now()`, [LEASES]);
  return new Map(rows.map((row) => [row.name, { holder: row.holder, token: BigInt(row.token) }]));
}

describe("control-plane copies take over from each other", () => {
  it("finishes an automatic failover through another copy when the copy carrying it out is SIGKILLed mid-run: no step repeated, no write lost", async () => {
    const env = anotherCopyEnv(product.running);
    for (let i = 0; i < 2; i++) copies.push(await startControlPlane({ env }));
    store = new pg.Client({ connectionString: product.running.databaseUrl });
    await store.connect();

    await product.healthy(120_000);
    const others = new Set(copies.map(nextPid));
    await until("the other copies to hold the leases", leases, (held) => LEASES.every((name) => others.has(pidOf(held.get(name)?.holder ?? "x:0:y"))), 60_000);

    await killRegion(product.running.dataDir, "aws:us-east-1");
    const runId = await until(
      "the decider to start a failover, and its run to carry out a step",
      async () => (await store!.query<{ id: string }>(`SELECT r.id FROM "Run" r JOIN "StepRun" s ON s."runId" = r.id AND s.state = 'succeeded' WHERE r."serviceId" = 'orders-db' AND r.status = 'running' LIMIT 1`)).rows[0]?.id,
      (id) => id !== undefined,
      60_000,
    );
    const before = await leases();
    const executor = before.get("run-executor")!;
    const victim = pidOf(executor.holder);
    const alsoHeld = LEASES.filter((name) => pidOf(before.get(name)!.holder) === victim);
    process.kill(victim, "SIGKILL");

    const finished = await until(
      "the run to finish through another copy",
      async () => (await store!.query<{ status: string; error: string | null }>(`SELECT status, error FROM "Run" WHERE id = $1`, [runId])).rows[0]!,
      (run) => !["running", "pending", "waiting"].includes(run.status),
      180_000,
    );
    expect(finished).toEqual({ status: "succeeded", error: null });
    const after = await leases();
    for (const name of alsoHeld) {
      expect(pidOf(after.get(name)!.holder), `${name} after the kill`).not.toBe(victim);
      expect(after.get(name)!.token, `${name}'s fencing token`).toBeGreaterThan(before.get(name)!.token);
    }
    expect(alsoHeld).toContain("run-executor");

    // One failover: one run, each of its steps completed once in the audit trail, one command per step and agent.
    const { rows: runs } = await store.query(`SELECT id FROM "Run" WHERE "serviceId" = 'orders-db'`);
    expect(runs).toHaveLength(1);
    const { rows: completions } = await store.query<{ stepId: string; n: number }>(
      `SELECT s."stepId", count(e.*)::int AS n FROM "StepRun" s
         LEFT JOIN "AuditEvent" e ON e."stepRunId" = s.id AND (e.action IN ('run.confirm', 'service.route') OR (e.action = 'run.step' AND e.details->>'state' IN ('succeeded', 'skipped')))
        WHERE s."runId" = $1 GROUP BY s."stepId"`,
      [runId],
    );
    expect(completions.filter((step) => step.n !== 1)).toEqual([]);
    const { rows: commands } = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AgentCommand" WHERE "runId" = $1 GROUP BY "stepRunId", "agentId" HAVING count(*) > 1`, [runId]);
    expect(commands).toEqual([]);

    // Every write the workload was told was committed is on the new primary, and it goes on writing there.
    const acknowledged = (await verifyLedger(product.running.dataDir, "pg-eu-west-1")).acknowledged;
    await until("the workload to go on writing", () => verifyLedger(product.running.dataDir, "pg-eu-west-1"), (check) => check.acknowledged > acknowledged + 50, 90_000);
    const check = await until("every acknowledged write on the new primary", () => verifyLedger(product.running.dataDir, "pg-eu-west-1"), (c) => c.lost === 0, 30_000);
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 420_000);
});
