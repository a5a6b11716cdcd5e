import pg from "pg";
import { describe, expect, it } from "vitest";
import { closeMariadb, connectMariadb, rowsOf } from "@/agents/mariadb/client";
import { readLedger } from "@/lab/ledger";
import { sessionsAccess } from "@/lab/mariadb/sessions-db";
import { SESSIONS_DB } from "@/lab/mariadb/sessions-topology";
import { sessionsLedgerFile, verifySessionsLedger } from "@/lab/mariadb/sessions-workload";
import { productForFile, until } from "../support/product";
import { switchOver } from "../support/switchover";

/**
 * The lab's sessions-db (MariaDB) under the whole product, as npm start
 * runs it: its servers, agents and workload, declared to the control plane
 * beside orders-db. A planned switchover and the switch back, each with
 * every acknowledged write of the ledger on the new primary and never two
 * writable primaries in any sample.
 */
const product = productForFile({ labServices: ["orders-db", SESSIONS_DB.id] });

const names = SESSIONS_DB.replicas.map((replica) => replica.name);

/** Whether each server takes writes: not read-only and replicating from nobody. */
async function writable(name: string): Promise<boolean> {
  try {
    const connection = await connectMariadb(sessionsAccess(product.running.dataDir).url(name, "admin").replace(/\/[^/]*$/, "/"), 1_000);
    try {
      const [row] = await rowsOf<{ ro: string | number }>(connection, "SELECT @@read_only AS ro", 1_000);
      const replicating = await rowsOf(connection, "SHOW ALL SLAVES STATUS", 1_000);
      return Number(row?.ro) === 0 && replicating.length === 0;
    } finally {
      await closeMariadb(connection);
    }
  } catch {
    return false;
  }
}

/** Samples every server's writability until stopped; the rounds in which more than one took writes. */
function sampleWritable() {
  const twoWritable: string[][] = [];
  let rounds = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const states = await Promise.all(names.map(async (name) => [name, await writable(name)] as const));
      rounds += 1;
      const open = states.filter(([, yes]) => yes).map(([name]) => name);
      if (open.length > 1) twoWritable.push(open);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { rounds, twoWritable };
    },
  };
}

/** The lease the control plane last granted `replica`, with the witnesses on its roster; null when it never asked. */
async function leaseOf(replica: string): Promise<{ periodMs: number; witnesses: string[] } | null> {
  const client = new pg.Client({ connectionString: product.running.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ periodMs: number; witnesses: string[] }>(
      `SELECT l."periodMs", l.witnesses FROM "PrimaryLease" l JOIN "Replica" r ON r.id = l."replicaId" WHERE r."serviceId" = $1 AND r.name = $2`,
      [SESSIONS_DB.id, replica],
    );
    return rows[0] ?? null;
  } finally {
    await client.end();
  }
}

async function route() {
  return (await product.api("GET", `/api/v1/services/${SESSIONS_DB.id}/route`, product.operator)).json as { writeReplica: string; epoch: number };
}

/** The workload goes on writing, and every id in its ledger is on `primary`. */
async function ledgerIntact(primary: string) {
  const ledger = sessionsLedgerFile(product.running.dataDir);
  const before = (await readLedger(ledger)).length;
  await until("the sessions-db workload to go on writing", () => readLedger(ledger), (ids) => ids.length > before + 20, 90_000);
  const check = await until(
    `${primary} to hold every acknowledged write`,
    () => verifySessionsLedger(product.running.dataDir, sessionsAccess(product.running.dataDir).url(primary, "admin")),
    (found) => found.missing.length === 0,
    30_000,
  );
  expect(check.missing).toEqual([]);
  expect(check.acknowledged).toBeGreaterThan(0);
}

describe("the lab's sessions-db under the product", () => {
  it("runs beside orders-db: declared with engine mariadb, its agents reporting it healthy, its workload writing", async () => {
    const { json } = await until(
      "a healthy sessions-db",
      () => product.api("GET", `/api/v1/services/${SESSIONS_DB.id}`, product.operator),
      ({ status, json }) => status === 200 && json.replicas?.length === 3 && json.replicas.every((replica: { live: { health: string } }) => replica.live.health === "healthy"),
      180_000,
    );
    expect(json.engine).toBe("mariadb");
    const fleet = await product.api("GET", "/api/v1/topology/export?format=json", product.operator);
    expect(fleet.json.services.map((service: { id: string }) => service.id)).toEqual(expect.arrayContaining(["orders-db", SESSIONS_DB.id]));
    expect((await route()).writeReplica).toBe(SESSIONS_DB.primary);
    await ledgerIntact(SESSIONS_DB.primary);
    // Its primary's agent keeps the self-fencing lease, the agents of the two other regions on its roster as witnesses.
    const lease = await until(`${SESSIONS_DB.primary}'s lease`, () => leaseOf(SESSIONS_DB.primary), (row) => row !== null && row.witnesses.length === 2, 60_000);
    expect(lease!.periodMs).toBeGreaterThan(0);
  }, 300_000);

  it("switches over to the semi-synchronous replica and back with no acknowledged write lost and never two writable primaries", async () => {
    const sampler = sampleWritable();
    const there = await switchOver(product, "aws:eu-west-1", "chaos suite: planned switchover of sessions-db", SESSIONS_DB.id);
    expect(there.status, JSON.stringify(there.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("succeeded");
    expect((await route()).writeReplica).toBe("sess-eu-west-1");
    await ledgerIntact("sess-eu-west-1");

    // The former primary rejoined as a replica: the switch back promotes it.
    const back = await switchOver(product, "aws:us-east-1", "chaos suite: switch sessions-db back", SESSIONS_DB.id);
    expect(back.status, JSON.stringify(back.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("succeeded");
    expect((await route()).writeReplica).toBe(SESSIONS_DB.primary);
    await ledgerIntact(SESSIONS_DB.primary);
    const { rounds, twoWritable } = await sampler.stop();
    expect(rounds).toBeGreaterThan(10);
    expect(twoWritable).toEqual([]);
  }, 600_000);
});
