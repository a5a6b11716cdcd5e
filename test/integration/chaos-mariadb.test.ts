import pg from "pg";
import { describe, expect, it } from "vitest";
import { readLedger } from "@/lab/ledger";
import { startMariadb } from "@/lab/mariadb/mariadb-server";
import { sessionsAccess, sessionsDataDir } from "@/lab/mariadb/sessions-db";
import { killSessionsServer, pauseSessionsServer } from "@/lab/mariadb/sessions-faults";
import { SESSIONS_DB, sessionsReplica } from "@/lab/mariadb/sessions-topology";
import { sessionsTakesWrites } from "@/lab/mariadb/sessions-writable";
import { sessionsLedgerFile, verifySessionsLedger } from "@/lab/mariadb/sessions-workload";
import { productForFile, until } from "../support/product";
import { reinstate } from "../support/reinstate";
import { switchOver } from "../support/switchover";
import { sampleWritable, splitBrains, type WritableSample } from "../support/writable-sampler";

/**
 * The lab's sessions-db (MariaDB) under the whole product, as npm start
 * runs it: its servers, agents and workload, declared to the control plane
 * beside orders-db. A planned switchover and the switch back; freezes of
 * the primary that must not fail over; its mariadbd killed, which the
 * automation fails over to the semi-synchronous replica with nobody
 * touching anything; and the killed server's return as a replica. Each with
 * every acknowledged write of the ledger on the new primary and never two
 * writable primaries in any sample.
 */
const product = productForFile({ labServices: ["orders-db", SESSIONS_DB.id] });

const names = SESSIONS_DB.replicas.map((replica) => replica.name);

const writable = (name: string) => sessionsTakesWrites(product.running.dataDir, name);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectNoSplitBrain(samples: WritableSample[]) {
  expect(samples.length).toBeGreaterThan(10);
  expect(splitBrains(samples)).toEqual([]);
}

async function runs() {
  return (await product.api("GET", `/api/v1/runs?serviceId=${SESSIONS_DB.id}`, product.operator)).json.runs as { id: string; runbookId: string; mode: string; status: string; actorType: string }[];
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

async function service() {
  return (await product.api("GET", `/api/v1/services/${SESSIONS_DB.id}`, product.operator)).json as { replicas: { name: string; live: { health: string; syncState: string | null } }[] };
}

/** Each replica's sync state as the primary's last report lists it. */
const syncStates = (json: Awaited<ReturnType<typeof service>>) => Object.fromEntries(json.replicas.map((replica) => [replica.name, replica.live.syncState]));

const healthy = () => until("a healthy sessions-db", service, (json) => json.replicas?.length === 3 && json.replicas.every((replica) => replica.live.health === "healthy"), 180_000);

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
    // Its semi-synchronous replica acknowledging, no alert says strong data lacks a synchronous standby (MariaDB reports no synchronous_standby_names).
    await until(
      "no synchronous-standby alert for sessions-db",
      () => product.api("GET", `/api/v1/alerts?serviceId=${SESSIONS_DB.id}&ruleId=sync-standby-missing&state=pending,firing`, product.operator),
      ({ status, json }) => status === 200 && json.alerts.length === 0,
      60_000,
    );
  }, 300_000);

  it("switches over to the semi-synchronous replica and back with no acknowledged write lost and never two writable primaries", async () => {
    const sampler = sampleWritable(names, writable);
    const there = await switchOver(product, "aws:eu-west-1", "chaos suite: planned switchover of sessions-db", SESSIONS_DB.id);
    expect(there.status, JSON.stringify(there.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("succeeded");
    expect((await route()).writeReplica).toBe("sess-eu-west-1");
    await ledgerIntact("sess-eu-west-1");

    // The former primary rejoined as a replica: the switch back promotes it.
    const back = await switchOver(product, "aws:us-east-1", "chaos suite: switch sessions-db back", SESSIONS_DB.id);
    expect(back.status, JSON.stringify(back.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("succeeded");
    expect((await route()).writeReplica).toBe(SESSIONS_DB.primary);
    await ledgerIntact(SESSIONS_DB.primary);
    expectNoSplitBrain(await sampler.stop());
  }, 600_000);

  it("does not fail over when the MariaDB primary freezes three times for 3 s, 2 s apart, shorter than the policy window", async () => {
    await healthy();
    const before = await route();
    const sampler = sampleWritable(names, writable);
    for (let freeze = 0; freeze < 3; freeze++) {
      await pauseSessionsServer(product.running.dataDir, SESSIONS_DB.primary, 3);
      await sleep(2_000);
    }
    await sleep(8_000);
    expectNoSplitBrain(await sampler.stop());
    expect(await route()).toEqual(before);
    expect((await runs()).filter((run) => run.runbookId !== "planned-switchover")).toEqual([]);
    await ledgerIntact(SESSIONS_DB.primary);
  }, 180_000);

  it("fails over automatically to the semi-synchronous replica when the primary's mariadbd is killed, losing no acknowledged write", async () => {
    await healthy();
    // What the automation's zero-loss rule rests on: the primary names its one semi-sync replica its sync standby.
    const listed = await until("the primary's report to name its sync standby", service, (json) => syncStates(json)["sess-eu-west-1"] === "sync");
    expect(syncStates(listed)).toMatchObject({ "sess-eu-west-1": "sync", "sess-europe-west3": "async" });
    const before = await route();
    const sampler = sampleWritable(names, writable);
    await killSessionsServer(product.running.dataDir, SESSIONS_DB.primary);
    const run = await until("the decider to start a failover", async () => (await runs()).find((candidate) => candidate.runbookId === "unplanned-failover"), (found) => found !== undefined, 90_000);
    expect(run).toMatchObject({ mode: "automatic", actorType: "automation" });
    const finished = await until("the automatic run to finish", () => product.api("GET", `/api/v1/runs/${run!.id}`, product.operator), ({ json }) => json.status !== "running", 120_000);
    expect(finished.json, JSON.stringify(finished.json.steps?.map((step: { stepId: string; state: string; error: string | null }) => [step.stepId, step.state, step.error]))).toMatchObject({ status: "succeeded", error: null });
    expect(await route()).toMatchObject({ writeReplica: "sess-eu-west-1", epoch: before.epoch + 1 });
    await ledgerIntact("sess-eu-west-1");
    expectNoSplitBrain(await sampler.stop());
    const audit = (await product.api("GET", "/api/v1/audit?action=automation.decide&limit=50", product.admin)).json;
    const decided = audit.events.find((event: { target?: { id?: string }; details: { rule?: string; action?: { candidateName?: string } } }) => event.details?.rule === "failover-automatic" && event.details.action?.candidateName?.startsWith("sess-"));
    expect(decided).toMatchObject({ actorType: "automation", details: { action: { kind: "fail-over", candidateName: "sess-eu-west-1" } } });
  }, 300_000);

  it("the killed server comes back read-only, is reinstated as a replica of the new primary, and replicates as its sync standby", async () => {
    const { dataDir } = product.running;
    const former = sessionsReplica(SESSIONS_DB.primary);
    // As a service manager would, told it comes back as a replica: read-only as every lab server starts, and what it
    // had written but no replica acknowledged when it was killed rolled back (an errant GTID otherwise, and no rejoin).
    await startMariadb({ name: former.name, dataDir: sessionsDataDir(dataDir, former.name), port: sessionsAccess(dataDir).ports[former.name]!, serverId: former.serverId, semiSyncReplica: true, rejoining: true });
    expect(await writable(former.name)).toBe(false);
    await until(
      "an alert asking for the reinstate runbook",
      () => product.api("GET", `/api/v1/alerts?serviceId=${SESSIONS_DB.id}`, product.operator),
      ({ json }) => json.alerts?.some((alert: { sentence: string }) => alert.sentence.includes("reinstate-former-primary")),
      120_000,
    );
    const reinstated = await reinstate(product, former.regionId, "chaos suite: the killed MariaDB primary is back", SESSIONS_DB.id);
    expect(reinstated.status).toBe("succeeded");
    expect(reinstated.steps.find((step: { stepId: string }) => step.stepId === "restore-sync")).toMatchObject({
      state: "succeeded",
      output: { "sess-eu-west-1": { synchronousStandbyNames: former.name, streaming: [former.name] } },
    });
    expect((await route()).writeReplica).toBe("sess-eu-west-1");
    await ledgerIntact(former.name);
    await until("the new primary to name the reinstated server its sync standby", service, (json) => syncStates(json)[former.name] === "sync");
  }, 360_000);
});
