import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { initCluster, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { lockDataDir } from "@/server/store/data-dir-lock";
import { startEmbeddedStore } from "@/server/store/embedded-store";
import { freePort } from "@/server/store/free-port";
import { migrate } from "@/server/store/migrate";
import { prepareStore } from "@/server/store/prepare-store";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function dataFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-store-"));
  chmodSync(dir, 0o755);
  folders.push(dir);
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const MIGRATIONS = path.resolve("prisma/migrations");
const FIRST_WITH_ROLES = "20261203133000_sample_partition_functions";

const mode = (file: string) => statSync(file).mode & 0o777;

/**
 * A data folder as Switchyard made it before the store had roles: the
 * superuser's password beside the data, a world-readable log, and the
 * database and everything in it (Sample's partitions included) owned by the
 * superuser, who ran the migrations and the control plane.
 */
async function legacyDataFolder(dir: string): Promise<void> {
  const storeDir = path.join(dir, "store");
  const pgdata = path.join(storeDir, "pgdata");
  mkdirSync(storeDir, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(storeDir, "password"), "legacy-superuser-password\n", { mode: 0o600 });
  const log = path.join(storeDir, "postgres.log");
  await initCluster(pgdata, "legacy-superuser-password");
  const port = await freePort();
  writeFileSync(path.join(storeDir, "port"), `${port}\n`);
  await startCluster({ dataDir: pgdata, port }, log);
  try {
    const url = (database: string) => `postgresql://postgres:legacy-superuser-password@127.0.0.1:${port}/${database}`;
    await query(url("postgres"), "CREATE DATABASE switchyard");
    const before = path.join(dir, "migrations-before-roles");
    for (const migration of readdirSync(MIGRATIONS).filter((name) => name < FIRST_WITH_ROLES)) cpSync(path.join(MIGRATIONS, migration), path.join(before, migration), { recursive: true });
    await migrate(url("switchyard"), before);
    await query(url("switchyard"), `CREATE TABLE "Sample_20300101" PARTITION OF "Sample" FOR VALUES FROM ('2030-01-01') TO ('2030-01-02')`);
  } finally {
    await stopCluster(pgdata);
  }
  chmodSync(log, 0o644);
}

describe("the embedded store", () => {
  it("is real PostgreSQL from the npm package, and its data survives a restart", async () => {
    const dir = dataFolder();
    const first = await startEmbeddedStore(dir);
    const [version] = await query<{ server_version_num: string }>(first.url, "SHOW server_version_num");
    expect(Number(version?.server_version_num)).toBeGreaterThanOrEqual(180000);
    await query(first.migrationUrl, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    await first.stop();
    await expect(query(first.migrationUrl, "SELECT 1")).rejects.toThrow();

    const second = await startEmbeddedStore(dir);
    try {
      expect(await query(second.migrationUrl, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("keeps its passwords and its log readable by its OS user only", async () => {
    const dir = dataFolder();
    const store = await startEmbeddedStore(dir);
    try {
      for (const file of ["password", "owner-password", "app-password", "postgres.log"]) expect(mode(path.join(dir, "store", file)), file).toBe(0o600);
    } finally {
      await store.stop();
    }
  });

  it("upgrades a data folder from before the roles in place: the owner takes everything, the control plane's role owns nothing", async () => {
    const dir = dataFolder();
    await legacyDataFolder(dir);
    expect(mode(path.join(dir, "store", "postgres.log"))).toBe(0o644);

    const store = await startEmbeddedStore(dir);
    try {
      const prepared = await prepareStore({ appUrl: store.url, migrationUrl: store.migrationUrl });
      expect(prepared).toMatchObject({ appRole: "switchyard_app", risks: [] });
      // The migrations since are applied by the owner, and what they create is the application role's to use.
      expect(prepared.migration.applied).toContain(FIRST_WITH_ROLES);
      expect(mode(path.join(dir, "store", "postgres.log"))).toBe(0o600);
      expect(store.superuserUrl).toContain("legacy-superuser-password");

      const foreign = await query<{ kind: string; name: string; owner: string }>(
        store.superuserUrl,
        `SELECT 'relation' AS kind, relname::text AS name, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'S', 'v', 'i', 'I')
         UNION ALL SELECT 'type', typname::text, pg_get_userbyid(typowner) FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'
         UNION ALL SELECT 'function', proname::text, pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
         UNION ALL SELECT 'schema', nspname::text, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'
         UNION ALL SELECT 'database', datname::text, pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'switchyard'`,
      );
      expect(foreign.filter((object) => object.owner !== "switchyard_owner")).toEqual([]);
      expect(foreign.map((object) => object.name)).toEqual(expect.arrayContaining(["AuditEvent", "Sample_20300101", "audit_event_append_only", "public", "switchyard"]));

      // The control plane's work goes on as the application role; the schema is out of its reach.
      await query(store.url, `INSERT INTO "Region" (id, cloud, code, jurisdiction, "displayName") VALUES ('aws:us-east-1', 'aws', 'us-east-1', 'US', 'US East')`);
      expect(await query(store.url, `SELECT id FROM "Region"`)).toEqual([{ id: "aws:us-east-1" }]);
      await expect(query(store.url, `ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`)).rejects.toThrow(/must be owner/);
      await expect(query(store.url, `DROP TABLE "Sample_20300101"`)).rejects.toThrow(/must be owner/);
      expect(await query(store.url, `SELECT switchyard_drop_sample_partition('2030-01-01') AS dropped`)).toEqual([{ dropped: true }]);
    } finally {
      await store.stop();
    }
  });

  it("refuses a second running copy on the same data folder", () => {
    const dir = dataFolder();
    const release = lockDataDir(dir);
    try {
      // This (live) test process holds the folder; another copy must be refused.
      expect(() => lockDataDir(dir, process.pid + 1_000_000)).toThrow(/Another Switchyard \(pid \d+\) is using/);
    } finally {
      release();
    }
    // Released: the next copy may start.
    lockDataDir(dir, process.pid + 1_000_000)();
  });
});
