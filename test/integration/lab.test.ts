import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriteRoute } from "@/contracts/services";
import { runningPid, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { startLab, type Lab } from "@/lab/lab";
import { labDown } from "@/lab/lifecycle";
import { readLedger } from "@/lab/ledger";
import { ledgerFile, pgdataDir, serverLogFile } from "@/lab/paths";
import { serverSettings } from "@/lab/settings";
import { labEndpoint, withClient } from "@/lab/sql";
import { labStatus, type ReplicaStatus } from "@/lab/status";
import { LAB_REPLICAS } from "@/lab/topology";
import { verifyLedger } from "@/lab/verify";
import { startWorkload } from "@/lab/workload";

const execFileAsync = promisify(execFile);
const PRIMARY = "pg-us-east-1";
const SYNC = "pg-eu-west-1";
const ASYNC = "pg-europe-west3";
/** payments-db, the second service: its own clusters in the same regions. */
const PAY_PRIMARY = "pay-us-east-1";
const PAY_SYNC = "pay-eu-west-1";
const PAY_ASYNC = "pay-europe-west3";

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-lab-"));
// mkdtemp makes the folder private; PostgreSQL's OS user must reach into it.
chmodSync(dir, 0o755);
const quiet = () => undefined;
let lab: Lab;

function replica(name: string) {
  const found = lab.replicas.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no replica ${name}`);
  return found;
}

function sql<T>(name: string, text: string, values: unknown[] = []): Promise<T[]> {
  return withClient(labEndpoint(replica(name).port, lab.password, "orders"), async (client) => (await client.query(text, values)).rows as T[]);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function orderIds(name: string, ids: string[]): Promise<string[]> {
  const rows = await sql<{ id: string }>(name, "SELECT id FROM orders WHERE id = ANY($1::text[]) ORDER BY id", [ids]);
  return rows.map((row) => row.id);
}

function statusOf(statuses: ReplicaStatus[], name: string): ReplicaStatus {
  const found = statuses.find((status) => status.name === name);
  if (!found) throw new Error(`no status for ${name}`);
  return found;
}

/** Whether the postmaster and every child of it are stopped (SIGSTOP). */
async function frozen(postmasterPid: number | null): Promise<boolean> {
  const { stdout } = await execFileAsync("ps", ["-o", "stat=", "-p", String(postmasterPid), "--ppid", String(postmasterPid)]);
  const states = stdout.split("\n").filter((line) => line.trim());
  return states.length > 1 && states.every((state) => state.trim().startsWith("T"));
}

function cli(...args: string[]) {
  return execFileAsync(process.execPath, ["--import", "tsx", "--conditions=react-server", "lab/cli.ts", ...args], {
    env: { ...process.env, SWITCHYARD_DATA_DIR: dir },
  });
}

beforeAll(async () => {
  lab = await startLab({ dataDir: dir, log: quiet });
});

afterAll(async () => {
  await labDown(dir, quiet);
  rmSync(dir, { recursive: true, force: true });
});

describe("the multi-region lab", () => {
  it("runs one cluster per region of each demo service, each on its own port and folder", () => {
    expect(lab.replicas.map((entry) => [entry.name, entry.regionId, entry.role])).toEqual(LAB_REPLICAS.map((entry) => [entry.name, entry.regionId, entry.seededRole]));
    expect(new Set(lab.replicas.map((entry) => entry.port)).size).toBe(6);
    for (const entry of lab.replicas) expect(entry.pid).toBeGreaterThan(0);
    expect(lab.services.map((service) => [service.id, service.primary, service.replicas.length])).toEqual([
      ["orders-db", PRIMARY, 3],
      ["payments-db", "pay-us-east-1", 3],
    ]);
    expect(lab.connectionString(SYNC)).toBe(`postgresql://postgres:${encodeURIComponent(lab.password)}@127.0.0.1:${replica(SYNC).port}/orders`);
    expect(lab.connectionString(PAY_SYNC)).toBe(`postgresql://postgres:${encodeURIComponent(lab.password)}@127.0.0.1:${replica(PAY_SYNC).port}/payments`);
  });

  it("replicates a write on the primary to both standbys, which refuse writes themselves", async () => {
    await sql(PRIMARY, "INSERT INTO orders (id, payload) VALUES ('first', 'hello')");
    for (const standby of [SYNC, ASYNC]) {
      expect(await eventually(() => orderIds(standby, ["first"]), (ids) => ids.length === 1)).toEqual(["first"]);
      await expect(sql(standby, "INSERT INTO orders (id) VALUES ('nope')")).rejects.toThrow(/read-only/);
    }
  });

  it("streams to a synchronous and an asynchronous standby, each through an active slot", async () => {
    const statuses = await eventually(
      () => labStatus(dir),
      (all) => statusOf(all, PRIMARY).replication.length === 2 && statusOf(all, PRIMARY).slots.every((slot) => slot.active),
    );
    const primary = statusOf(statuses, PRIMARY);
    expect(primary.role).toBe("primary");
    expect(primary.replication.map((row) => [row.applicationName, row.state, row.syncState])).toEqual([
      [SYNC, "streaming", "sync"],
      [ASYNC, "streaming", "async"],
    ]);
    expect(primary.slots.map((slot) => [slot.slotName, slot.active])).toEqual([
      ["pg_eu_west_1", true],
      ["pg_europe_west3", true],
    ]);
    expect(statusOf(statuses, SYNC).role).toBe("standby");
    expect(statusOf(statuses, ASYNC).role).toBe("standby");
  });

  it("lets an absent standby catch up through its slot", async () => {
    const asyncData = pgdataDir(dir, ASYNC);
    await stopCluster(asyncData, "fast");
    const [{ lsn } = { lsn: "" }] = await sql<{ lsn: string }>(PRIMARY, "SELECT pg_current_wal_lsn()::text AS lsn");
    await sql(PRIMARY, "INSERT INTO orders (id) SELECT 'while-away-' || n FROM generate_series(1, 100) AS n");
    // pg_switch_wal moves the primary to a new segment, which without the slot would free the old one.
    await sql(PRIMARY, "SELECT pg_switch_wal()");
    const [slot] = await sql<{ active: boolean; retained: boolean }>(
      PRIMARY,
      "SELECT active, restart_lsn <= $1::pg_lsn AS retained FROM pg_replication_slots WHERE slot_name = 'pg_europe_west3'",
      [lsn],
    );
    expect(slot).toEqual({ active: false, retained: true });
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    await startCluster({ dataDir: asyncData, port: replica(ASYNC).port, settings: serverSettings("standby", PRIMARY) }, serverLogFile(dir, ASYNC));
    const caughtUp = await eventually(
      () => sql<{ count: string }>(ASYNC, "SELECT count(*) FROM orders WHERE id LIKE 'while-away-%'"),
      (rows) => rows[0]?.count === "100",
    );
    expect(caughtUp).toEqual([{ count: "100" }]);
  });

  it("makes commits wait while the synchronous standby is paused, and only then", async () => {
    const commitMs = async (id: string) => {
      const started = Date.now();
      await sql(PRIMARY, "INSERT INTO orders (id) VALUES ($1)", [id]);
      return Date.now() - started;
    };
    expect(await commitMs("before-pause")).toBeLessThan(500);
    const pause = cli("pause", "aws:eu-west-1", "2");
    // The CLI needs a moment to start and freeze the cluster.
    await eventually(() => frozen(replica(SYNC).pid), (all) => all);
    expect(await commitMs("during-pause")).toBeGreaterThan(500);
    await pause;
    expect(await commitMs("after-pause")).toBeLessThan(500);
  });

  it("keeps a ledger of acknowledged writes per service that its synchronous standby fully holds", async () => {
    const workload = startWorkload({ dataDir: dir, rate: 50, log: quiet });
    // Until both services' ledgers pass 100 acknowledged writes (about 2 s at 50/s, longer on a busy machine).
    const lengths = () => Promise.all([readLedger(ledgerFile(dir)), readLedger(ledgerFile(dir, "payments-db"))]);
    await eventually(lengths, (ledgers) => ledgers.every((ids) => ids.length > 100), 60_000);
    await workload.stop();
    const check = await verifyLedger(dir, SYNC);
    expect(check.acknowledged).toBeGreaterThan(100);
    expect(check).toMatchObject({ replica: SYNC, serviceId: "orders-db", present: check.acknowledged, lost: 0, duplicated: 0, sampleLost: [] });
    const ids = await readLedger(ledgerFile(dir));
    const history = await sql<{ count: string }>(SYNC, "SELECT count(*) AS count FROM order_history WHERE order_id = ANY($1::text[]) AND event = 'created'", [ids]);
    expect(Number(history[0]?.count)).toBe(check.acknowledged);

    const payments = await verifyLedger(dir, PAY_SYNC);
    expect(payments.acknowledged).toBeGreaterThan(100);
    expect(payments).toMatchObject({ replica: PAY_SYNC, serviceId: "payments-db", present: payments.acknowledged, lost: 0, duplicated: 0 });
    expect(await readLedger(ledgerFile(dir, "payments-db"))).not.toContain(ids[0]);
    expect(await verifyLedger(dir, "aws:eu-west-1", "payments-db")).toMatchObject({ replica: PAY_SYNC, acknowledged: payments.acknowledged });

    const { stdout } = await cli("verify");
    expect(stdout).toContain(`orders-db on ${SYNC}: ${check.acknowledged} acknowledged, ${check.acknowledged} present, 0 lost, 0 duplicated`);
    expect(stdout).toContain(`payments-db on ${PAY_SYNC}: ${payments.acknowledged} acknowledged, ${payments.acknowledged} present, 0 lost, 0 duplicated`);
    expect((await cli("verify", "payments-db", "gcp:europe-west3")).stdout).toContain(`payments-db on ${PAY_ASYNC}: ${payments.acknowledged} acknowledged`);
  });

  it("counts an acknowledged id the replica lacks as lost, and a repeated one as duplicated", async () => {
    const file = ledgerFile(dir);
    const original = await readFile(file, "utf8");
    const [firstId] = original.split("\n");
    try {
      await appendFile(file, `never-written\n${firstId}\n`);
      const check = await verifyLedger(dir, SYNC);
      expect(check).toMatchObject({ lost: 1, duplicated: 1, sampleLost: ["never-written"] });
      await expect(cli("verify", "aws:eu-west-1")).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining("1 lost, 1 duplicated") });
    } finally {
      await writeFile(file, original);
    }
  });

  it("follows the control plane's write route when given one", async () => {
    const token = "lab-test-token";
    let writer = ASYNC;
    let authorised = 0;
    const server = http.createServer((request, response) => {
      if (request.url !== "/api/v1/services/orders-db/route" || request.headers.authorization !== `Bearer ${token}`) {
        response.writeHead(401).end();
        return;
      }
      authorised++;
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(writeRoute(writer)));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const before = (await readLedger(ledgerFile(dir))).length;
    const workload = startWorkload({ dataDir: dir, rate: 50, services: ["orders-db"], controlPlane: { url, token }, log: quiet });
    try {
      await eventually(async () => authorised, (count) => count >= 2);
      // Pointed at a standby, every write fails: nothing reaches the ledger.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await readLedger(ledgerFile(dir))).length).toBe(before);
      writer = PRIMARY;
      const after = await eventually(async () => (await readLedger(ledgerFile(dir))).length, (length) => length > before + 20);
      expect(after).toBeGreaterThan(before + 20);
    } finally {
      await workload.stop();
      server.close();
    }
    expect((await verifyLedger(dir, SYNC)).lost).toBe(0);
  });

  it("kills every service's PostgreSQL in a region on request (a region loss)", async () => {
    const { stdout } = await cli("kill", "gcp:europe-west3");
    expect(stdout).toContain(`killed ${ASYNC}`);
    expect(stdout).toContain(`killed ${PAY_ASYNC}`);
    expect(await runningPid(pgdataDir(dir, ASYNC))).toBeNull();
    expect(await runningPid(pgdataDir(dir, PAY_ASYNC))).toBeNull();
    const statuses = await eventually(
      () => labStatus(dir),
      (all) => statusOf(all, PRIMARY).replication.length === 1,
    );
    expect(statusOf(statuses, ASYNC)).toMatchObject({ running: false, pid: null });
    expect(statusOf(statuses, PRIMARY).replication.map((row) => row.applicationName)).toEqual([SYNC]);
    expect((await cli("status")).stdout).toMatch(/gcp:europe-west3 +pg-europe-west3 +port \d+ +not running/);
  });

  it("keeps its data across down and up, and brings a killed region back", async () => {
    const acknowledged = (await verifyLedger(dir, SYNC)).acknowledged;
    const paymentsAcknowledged = (await verifyLedger(dir, PAY_SYNC)).acknowledged;
    await lab.stop();
    for (const entry of LAB_REPLICAS) expect(await runningPid(pgdataDir(dir, entry.name))).toBeNull();

    lab = await startLab({ dataDir: dir, log: quiet });
    expect(lab.replicas.every((entry) => entry.pid !== null)).toBe(true);
    expect(await orderIds(PRIMARY, ["first"])).toEqual(["first"]);
    for (const name of [SYNC, ASYNC]) {
      const check = await eventually(() => verifyLedger(dir, name), (result) => result.lost === 0);
      expect(check).toMatchObject({ acknowledged, lost: 0 });
    }
    for (const name of [PAY_SYNC, PAY_ASYNC]) {
      const check = await eventually(() => verifyLedger(dir, name), (result) => result.lost === 0);
      expect(check).toMatchObject({ acknowledged: paymentsAcknowledged, lost: 0 });
    }

    await lab.stop();
    for (const entry of LAB_REPLICAS) expect(await runningPid(pgdataDir(dir, entry.name))).toBeNull();
  });

  it("stops the clusters it had started when a start fails midway, so none keeps holding its port", async () => {
    await labDown(dir, quiet);
    // payments-db comes up after orders-db: its primary's data folder, claiming another major version, does not start.
    const version = path.join(pgdataDir(dir, PAY_PRIMARY), "PG_VERSION");
    const original = await readFile(version, "utf8");
    await writeFile(version, "9\n");
    try {
      await expect(startLab({ dataDir: dir, log: quiet })).rejects.toThrow(/pg_ctl/);
    } finally {
      await writeFile(version, original);
    }
    for (const entry of LAB_REPLICAS) expect(await runningPid(pgdataDir(dir, entry.name))).toBeNull();
  });
});

/** What the control plane answers for the demo service, naming `writer` as its write replica. */
function writeRoute(writer: string): WriteRoute {
  const entry = replica(writer);
  return {
    intent: "write",
    serviceId: "orders-db",
    writeRegionId: entry.regionId,
    writeReplica: entry.name,
    endpoint: `postgresql://${entry.host}:${entry.port}/${entry.databaseName}`,
    connectionString: `postgresql://${entry.host}:${entry.port}/${entry.databaseName}?target_session_attrs=read-write`,
    epoch: 1,
  };
}
