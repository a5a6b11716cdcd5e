import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeMariadb, connectMariadb, rowsOf } from "@/agents/mariadb/client";
import { startSessionsDb, stopSessionsDb, runningSessionsPid, type SessionsDb } from "@/lab/mariadb/sessions-db";
import { SESSIONS_DB } from "@/lab/mariadb/sessions-topology";
import { SessionsWorkload, verifySessionsLedger } from "@/lab/mariadb/sessions-workload";
import { requireMariadb } from "../support/mariadb-trio";

/**
 * The lab's sessions-db on real MariaDB servers: built on the first start
 * (GTID replicas, the primary's commits waiting for the one semi-synchronous
 * replica), its workload's acknowledged writes all on every server, and
 * started again on the same folders as it was: the same ports, the primary
 * writable, the replicas following it.
 */

let dataDir: string;
let sessions: SessionsDb;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

async function query<T>(name: string, sql: string): Promise<T[]> {
  const connection = await connectMariadb(sessions.url(name, "admin").replace(/\/[^/]*$/, "/"), 10_000);
  try {
    return await rowsOf<T>(connection, sql, 30_000);
  } finally {
    await closeMariadb(connection);
  }
}

const status = async (name: string, variable: string) => (await query<{ Value: string }>(name, `SHOW GLOBAL STATUS LIKE '${variable}'`))[0]?.Value;
const [primary, semiSync, asynchronous] = SESSIONS_DB.replicas.map((replica) => replica.name) as [string, string, string];

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function writeFor(ms: number): Promise<number> {
  const workload = new SessionsWorkload({
    dataDir,
    urlFor: (port) => sessions.url(primary, "app").replace(`:${sessions.ports[primary]}/`, `:${port}/`),
    initial: { replicaName: primary, port: sessions.ports[primary]! },
    rate: 20,
    log,
  });
  workload.start();
  await new Promise((resolve) => setTimeout(resolve, ms));
  await workload.stop();
  return workload.acknowledged;
}

beforeAll(async () => {
  requireMariadb();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-sessions-lab-"));
  sessions = await startSessionsDb(dataDir, log);
}, 180_000);

afterAll(async () => {
  if (dataDir) {
    await stopSessionsDb(dataDir, log).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("the lab's sessions-db", () => {
  it("is built with the first replica as a writable primary, the others following it by GTID, one of them semi-synchronous", async () => {
    expect(sessions.primary).toBe(primary);
    expect(Number((await query<{ ro: number }>(primary, "SELECT @@read_only AS ro"))[0]?.ro)).toBe(0);
    expect(await status(primary, "Rpl_semi_sync_master_status")).toBe("ON");
    // Only the sync replica acknowledges: the primary waits for it, not for the asynchronous one.
    await eventually(() => status(primary, "Rpl_semi_sync_master_clients"), (clients) => clients === "1", "one semi-synchronous client");
    expect(await status(semiSync, "Rpl_semi_sync_slave_status")).toBe("ON");
    expect(await status(asynchronous, "Rpl_semi_sync_slave_status")).toBe("OFF");
    for (const replica of [semiSync, asynchronous]) {
      const [row] = await query<{ Using_Gtid: string; Master_Port: string | number; Slave_IO_Running: string }>(replica, "SHOW SLAVE STATUS");
      expect(row).toMatchObject({ Using_Gtid: "Slave_Pos", Slave_IO_Running: "Yes" });
      expect(Number(row?.Master_Port)).toBe(sessions.ports[primary]);
    }
  });

  it("has every write its workload acknowledged, on the primary and on each replica", async () => {
    expect(await writeFor(2_000)).toBeGreaterThan(0);
    for (const name of [primary, semiSync, asynchronous]) {
      const checked = await eventually(() => verifySessionsLedger(dataDir, sessions.url(name, "admin")), (check) => check.missing.length === 0, `${name} to hold the ledger`);
      expect(checked.acknowledged).toBeGreaterThan(0);
    }
  });

  it("starts again as it was: same ports, the primary writable, the replicas following, nothing acknowledged missing", async () => {
    const ports = { ...sessions.ports };
    await stopSessionsDb(dataDir, log);
    for (const replica of SESSIONS_DB.replicas) expect(runningSessionsPid(dataDir, replica.name)).toBeNull();
    sessions = await startSessionsDb(dataDir, log);
    expect(sessions.ports).toEqual(ports);
    expect(sessions.primary).toBe(primary);
    expect(await writeFor(1_000)).toBeGreaterThan(0);
    for (const name of [primary, semiSync, asynchronous]) {
      await eventually(() => verifySessionsLedger(dataDir, sessions.url(name, "admin")), (check) => check.missing.length === 0, `${name} to hold the ledger after the restart`);
    }
  }, 120_000);
});
