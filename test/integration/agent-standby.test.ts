import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReportSchema } from "@/contracts/agent-reports";
import { PostgresAdapter } from "@/agents/adapters/postgres-adapter";
import type { ReplicaObservation } from "@/agents/adapters/engine-adapter";
import { initCluster, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { postgresOsUser } from "@/embedded/run-as";
import { freePort } from "@/server/store/free-port";

/**
 * The adapter's standby SQL against real streaming replication: a
 * PostgreSQL 18 primary and a standby cloned from it with the low-level
 * backup API (the npm binaries have no pg_basebackup).
 */

const PASSWORD = randomBytes(12).toString("hex");
const SLOT = "standby_eu_slot";
const STANDBY_NAME = "standby_eu";

let dir: string;
let primaryDir: string;
let standbyDir: string;
let primaryUrl: string;
let standbyUrl: string;
const adapters: PostgresAdapter[] = [];

const urlFor = (port: number) => `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A file PostgreSQL's OS user owns, as the server expects inside its data folder. */
function writeOwned(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  const user = postgresOsUser();
  if (user) chownSync(file, user.uid, user.gid);
}

async function cloneStandby(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_create_physical_replication_slot($1)", [SLOT]);
    await client.query("SELECT pg_backup_start('agent standby test', true)");
    execFileSync("cp", ["-a", primaryDir, standbyDir]);
    const [stop] = (await client.query<{ labelfile: string; spcmapfile: string }>("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")).rows;
    writeOwned(path.join(standbyDir, "backup_label"), stop!.labelfile);
    if (stop!.spcmapfile) writeOwned(path.join(standbyDir, "tablespace_map"), stop!.spcmapfile);
  } finally {
    await client.end();
  }
  rmSync(path.join(standbyDir, "postmaster.pid"), { force: true });
  for (const folder of ["pg_wal", "pg_replslot"]) {
    for (const entry of readdirSync(path.join(standbyDir, folder))) {
      const full = path.join(standbyDir, folder, entry);
      if (folder === "pg_replslot" || statSync(full).isFile()) rmSync(full, { recursive: true, force: true });
    }
  }
  writeOwned(path.join(standbyDir, "standby.signal"), "");
  await startCluster(
    {
      dataDir: standbyDir,
      port,
      settings: {
        primary_conninfo: `host=127.0.0.1 port=${new URL(primaryUrl).port} user=postgres password=${PASSWORD} application_name=${STANDBY_NAME}`,
        primary_slot_name: SLOT,
      },
    },
    path.join(dir, "standby.log"),
  );
}

function adapterFor(url: string): PostgresAdapter {
  const adapter = new PostgresAdapter(url, 2000);
  adapters.push(adapter);
  return adapter;
}

async function probeUntil(adapter: PostgresAdapter, accept: (observation: ReplicaObservation) => boolean, what: string): Promise<ReplicaObservation> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const observation = await adapter.probe();
    if (accept(observation)) return observation;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last observation: ${JSON.stringify(observation)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const valid = (observation: ReplicaObservation) => agentReportSchema.safeParse({ seq: 1, observedAt: new Date().toISOString(), ...observation, peers: [] }).success;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-agent-standby-"));
  // mkdtemp makes the folder private; PostgreSQL's OS user must reach into it.
  chmodSync(dir, 0o755);
  primaryDir = path.join(dir, "primary");
  standbyDir = path.join(dir, "standby");
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  primaryUrl = urlFor(primaryPort);
  standbyUrl = urlFor(standbyPort);
  await initCluster(primaryDir, PASSWORD);
  await startCluster({ dataDir: primaryDir, port: primaryPort }, path.join(dir, "primary.log"));
  await cloneStandby(standbyPort);
});

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await stopCluster(standbyDir, "immediate").catch(() => {});
  await stopCluster(primaryDir, "immediate").catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe("PostgresAdapter on streaming replication (PostgreSQL 18)", () => {
  it("sees the standby from the primary: pg_stat_replication row and its slot", async () => {
    const primary = await probeUntil(adapterFor(primaryUrl), (o) => o.standbys.some((s) => s.state === "streaming"), "the standby to stream");
    expect(valid(primary)).toBe(true);
    expect(primary.standbys[0]).toMatchObject({ applicationName: STANDBY_NAME, clientAddr: "127.0.0.1", state: "streaming", syncState: "async" });
    expect(primary.standbys[0]!.sentLsn).toMatch(/^\d+$/);
    expect(primary.slots).toEqual([{ name: SLOT, active: true, retainedBytes: expect.any(Number), walStatus: "reserved" }]);
  });

  it("reads the standby: role, walreceiver, received and replayed LSNs, read-only", async () => {
    const standby = await probeUntil(adapterFor(standbyUrl), (o) => o.walReceiver?.status === "streaming", "the walreceiver to stream");
    expect(valid(standby)).toBe(true);
    expect(standby).toMatchObject({ reachable: true, role: "standby", timeline: 1, lsn: { current: null } });
    expect(standby.lsn.received).toMatch(/^\d+$/);
    expect(standby.lsn.replayed).toMatch(/^\d+$/);
    expect(standby.walReceiver).toMatchObject({ senderHost: "127.0.0.1", senderPort: Number(new URL(primaryUrl).port), receivedTli: 1, slotName: SLOT });
    expect(standby.settings.transaction_read_only).toBe("on");
    expect(standby.conflicts).toEqual({ recovery: 0, logical: 0 });
  });

  it("measures lag while replay is paused, and none once it caught up", async () => {
    const standby = adapterFor(standbyUrl);
    await sql(primaryUrl, "CREATE TABLE lag_probe (n int)");
    const [{ lsn: created } = { lsn: "0" }] = await sql<{ lsn: string }>(primaryUrl, "SELECT (pg_current_wal_lsn() - '0/0')::text AS lsn");
    await probeUntil(standby, (o) => o.lsn.replayed !== null && BigInt(o.lsn.replayed) >= BigInt(created), "the table to replay");

    await sql(standbyUrl, "SELECT pg_wal_replay_pause()");
    await sql(primaryUrl, "INSERT INTO lag_probe SELECT generate_series(1, 50000)");
    const [{ lsn: written } = { lsn: "0" }] = await sql<{ lsn: string }>(primaryUrl, "SELECT (pg_current_wal_lsn() - '0/0')::text AS lsn");
    const lagging = await probeUntil(standby, (o) => o.lsn.received !== null && BigInt(o.lsn.received) >= BigInt(written), "the insert to arrive");
    expect(lagging.lag.bytes).toBeGreaterThan(100_000);
    expect(lagging.lag.seconds).toBeGreaterThanOrEqual(0);
    expect(BigInt(lagging.lsn.received!) - BigInt(lagging.lsn.replayed!)).toBeGreaterThan(0n);

    await sql(standbyUrl, "SELECT pg_wal_replay_resume()");
    const caughtUp = await probeUntil(standby, (o) => o.lag.bytes === 0, "replay to catch up");
    expect(caughtUp.lag.seconds).toBe(0);
  });

  it("reports the new timeline right after a promotion", async () => {
    await sql(standbyUrl, "SELECT pg_promote(true, 60)");
    const promoted = await adapterFor(standbyUrl).probe();
    expect(promoted).toMatchObject({ reachable: true, role: "primary", timeline: 2, lag: { bytes: null, seconds: null }, walReceiver: null });
    expect(promoted.lsn.current).toMatch(/^\d+$/);
    expect(valid(promoted)).toBe(true);
  });
});
