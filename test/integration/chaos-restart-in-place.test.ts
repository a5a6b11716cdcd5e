import pg from "pg";
import { describe, expect, it } from "vitest";
import { runningPid } from "@/embedded/postgres-cluster";
import { pgdataDir } from "@/lab/paths";
import { verifyLedger } from "@/lab/verify";
import { ORDERS_DB_ONLY, productForFile, until } from "../support/product";
import { sampleWritablePrimaries, splitBrains, takesWrites } from "../support/writable-sampler";

/**
 * PostgreSQL crashes on a healthy host (only its postmaster is SIGKILLed):
 * its agent restarts it in place, read-only until the control plane grants
 * its lease again, the automation holds off meanwhile, and each attempt is
 * audited; a crash loop (the agent's default: 3 restarts in 10 minutes) is
 * left to the failover. Never two writable primaries, no acknowledged write lost.
 */
// The lab's agents restart a crashed server in place only when asked: its `kill <region>` stands for a lost region.
const product = productForFile({ ...ORDERS_DB_ONLY, env: { LAB_RESTART_IN_PLACE: "on" } });
const PRIMARY = "pg-us-east-1";

async function route() {
  return (await product.api("GET", "/api/v1/services/orders-db/route", product.operator)).json as { writeReplica: string; epoch: number };
}

async function runs() {
  return (await product.api("GET", "/api/v1/runs?serviceId=orders-db", product.operator)).json.runs as { id: string; runbookId: string; status: string }[];
}

async function auditedRestarts(): Promise<{ action: string; outcome: string; state: string }[]> {
  const client = new pg.Client({ connectionString: product.running.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ action: string; outcome: string; state: string }>(
      `SELECT action, outcome::text AS outcome, details->>'state' AS state FROM "AuditEvent" WHERE action LIKE 'restart_in_place.%' ORDER BY seq`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** SIGKILL for the postmaster alone, as a crash of PostgreSQL (not of its host, nor of its agent). */
async function crashPostmaster(replica: string): Promise<void> {
  const pid = await runningPid(pgdataDir(product.running.dataDir, replica));
  if (!pid) throw new Error(`${replica} is not running`);
  process.kill(pid, "SIGKILL");
}

async function writableAgain(replica: string): Promise<void> {
  await until(`${replica} to take writes again`, () => takesWrites(product.running.dataDir, replica), Boolean, 60_000);
}

describe("the chaos suite: a crashed PostgreSQL restarted in place", () => {
  it("restarts the crashed primary in place: no failover run, writes accepted again, nothing lost, the attempt audited", async () => {
    await product.healthy(120_000);
    const sampler = await sampleWritablePrimaries(product.running.dataDir);
    await crashPostmaster(PRIMARY);
    await until("the crash to show", () => takesWrites(product.running.dataDir, PRIMARY), (writable) => !writable, 10_000);
    await writableAgain(PRIMARY);
    // Longer than the policy's window and the lease: a failover that was going to start has started by now.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const samples = await sampler.stop();
    expect(splitBrains(samples)).toEqual([]);
    expect(await route()).toMatchObject({ writeReplica: PRIMARY, epoch: 1 });
    expect(await runs()).toEqual([]);
    expect(await auditedRestarts()).toEqual([
      { action: "restart_in_place.start", outcome: "success", state: "restarting" },
      { action: "restart_in_place.finish", outcome: "success", state: "restarted" },
    ]);
    const ledger = await until("the workload to write on", () => verifyLedger(product.running.dataDir, PRIMARY), (check) => check.acknowledged > 0 && check.lost === 0, 30_000);
    expect({ lost: ledger.lost, duplicated: ledger.duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 180_000);

  it("leaves a crash loop to the failover: after the third restart in ten minutes the next crash fails over", async () => {
    // The first test's restart counts: two more, then the crash that is one too many.
    for (let crash = 0; crash < 2; crash++) {
      await crashPostmaster(PRIMARY);
      await until("the crash to show", () => takesWrites(product.running.dataDir, PRIMARY), (writable) => !writable, 10_000);
      await writableAgain(PRIMARY);
    }
    // The standbys stream from the restarted primary again: a standby not streaming when last seen is no
    // candidate for an automatic failover (the decider would open the runbook for a person instead).
    await product.healthy(60_000);
    const sampler = await sampleWritablePrimaries(product.running.dataDir);
    await crashPostmaster(PRIMARY);
    const moved = await until("the failover", route, (current) => current.writeReplica !== PRIMARY, 120_000);
    expect(splitBrains(await sampler.stop())).toEqual([]);
    expect(moved.epoch).toBeGreaterThan(1);
    expect((await auditedRestarts()).at(-1)).toEqual({ action: "restart_in_place.give_up", outcome: "success", state: "given-up" });
    expect((await runs()).map((run) => run.runbookId)).toContain("unplanned-failover");
  }, 300_000);
});
