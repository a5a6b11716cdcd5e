import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { storeRoleRisks } from "@/core/store/store-role-risks";
import { recordAuditEvent } from "@/server/audit/append-audit-event";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { fleetOverview } from "@/server/fleet/fleet-overview";
import { ensureSamplePartitions } from "@/server/jobs/sample-partitions";
import { migrate } from "@/server/store/migrate";
import { prepareStore } from "@/server/store/prepare-store";
import { readStoreRoleFacts } from "@/server/store/store-role-facts";
import { ownerDatabaseUrl, superuserDatabaseUrl } from "../support/sql";
import { withClient } from "@/server/db/with-client";

/** DATABASE_URL is what the control plane connects as (test/support/fresh-database.ts). */
const appUrl = () => process.env.DATABASE_URL!;
const roles = inject("storeRoles");


const asApp = (text: string) => withClient(appUrl(), (client) => client.query(text));

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("the role the control plane connects to its store as", () => {
  it("is neither superuser nor owner, may create nothing, and the product sees no risk in it", async () => {
    const [role] = await withClient(appUrl(), async (client) => (await client.query(`SELECT * FROM pg_roles WHERE rolname = current_user`)).rows);
    expect(role).toMatchObject({ rolname: roles.app.name, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false, rolreplication: false });
    const facts = await withClient(appUrl(), readStoreRoleFacts);
    expect(facts).toEqual({ role: roles.app.name, superuser: false, ownsTables: false, mayRewriteAudit: false, createRole: false, bypassRls: false, createsInSchema: false });
    expect(storeRoleRisks(facts)).toEqual([]);
    const [{ owned }] = await withClient(appUrl(), async (client) =>
      (
        await client.query(
          `SELECT count(*)::int AS owned FROM pg_class WHERE relnamespace = 'public'::regnamespace AND pg_has_role(current_user, relowner, 'MEMBER')`,
        )
      ).rows,
    );
    expect(owned).toBe(0);
  });

  it("cannot turn off, go around or rewrite the audit trail", async () => {
    await recordAuditEvent({ actor: { type: "system", id: null, label: "test" }, action: "store.seed", target: { type: "store", id: "t" } });
    await expect(asApp(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`)).rejects.toThrow(/must be owner of table AuditEvent/);
    await expect(asApp(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`)).rejects.toThrow(/must be owner of table AuditEvent/);
    await expect(asApp(`DROP TRIGGER "AuditEvent_append_only" ON "AuditEvent"`)).rejects.toThrow(/must be owner of (table|relation) AuditEvent/);
    // Refused for want of the privilege, before the append-only trigger is ever reached.
    await expect(asApp(`UPDATE "AuditEvent" SET reason = 'rewritten'`)).rejects.toThrow(/permission denied for table AuditEvent/);
    await expect(asApp(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/permission denied for table AuditEvent/);
    await expect(asApp(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/permission denied for table AuditEvent/);
    await expect(asApp(`SET session_replication_role = replica`)).rejects.toThrow(/permission denied to set parameter "session_replication_role"/);
    await expect(asApp(`CREATE TRIGGER sneaky BEFORE INSERT ON "Service" FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`)).rejects.toThrow(
      /permission denied for table Service/,
    );
    expect((await verifyAuditChain(db())).intact).toBe(true);
  });

  it("cannot change the schema, create roles or databases, or become another role", async () => {
    await expect(asApp(`ALTER TABLE "Service" ADD COLUMN sneaky text`)).rejects.toThrow(/must be owner of table Service/);
    await expect(asApp(`ALTER TABLE "User" DISABLE ROW LEVEL SECURITY`)).rejects.toThrow(/must be owner of table User/);
    await expect(asApp(`DROP TABLE "Service"`)).rejects.toThrow(/must be owner of table Service/);
    await expect(asApp(`CREATE TABLE sneaky (id int)`)).rejects.toThrow(/permission denied for schema public/);
    await expect(asApp(`CREATE FUNCTION now() RETURNS timestamptz LANGUAGE sql AS 'SELECT NULL::timestamptz'`)).rejects.toThrow(/permission denied for schema public/);
    await expect(asApp(`CREATE ROLE sneaky`)).rejects.toThrow(/permission denied to create role/);
    await expect(asApp(`ALTER ROLE ${roles.app.name} CREATEROLE`)).rejects.toThrow(/permission denied/);
    await expect(asApp(`GRANT ${roles.owner.name} TO ${roles.app.name}`)).rejects.toThrow(/permission denied to grant role|must have admin option on role/);
    await expect(asApp(`SET ROLE ${roles.owner.name}`)).rejects.toThrow(/permission denied to set role/);
    await expect(asApp(`CREATE DATABASE sneaky`)).rejects.toThrow(/permission denied to create database/);
    await expect(asApp(`DELETE FROM "_prisma_migrations"`)).rejects.toThrow(/permission denied for table _prisma_migrations/);
  });

  it("reads and writes a table a later migration creates, with no grant written for it, and still cannot alter it", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    folders.push(folder);
    cpSync(path.resolve("prisma/migrations"), folder, { recursive: true });
    mkdirSync(path.join(folder, "29990101000000_later"));
    writeFileSync(path.join(folder, "29990101000000_later", "migration.sql"), 'CREATE TABLE "Later" ("id" SERIAL PRIMARY KEY, "note" TEXT NOT NULL);');
    expect((await migrate(ownerDatabaseUrl(), folder)).applied).toEqual(["29990101000000_later"]);

    await asApp(`INSERT INTO "Later" (note) VALUES ('written')`);
    await asApp(`UPDATE "Later" SET note = 'changed'`);
    expect((await asApp(`SELECT note FROM "Later"`)).rows).toEqual([{ note: "changed" }]);
    await asApp(`DELETE FROM "Later"`);
    await expect(asApp(`ALTER TABLE "Later" ADD COLUMN sneaky text`)).rejects.toThrow(/must be owner of table Later/);
    await expect(asApp(`TRUNCATE "Later"`)).rejects.toThrow(/permission denied for table Later/);
  });

  it("keeps Sample's partitions through the owner's functions, which nobody else may call", async () => {
    const created = await ensureSamplePartitions("day", new Date("2031-01-05T12:00:00Z"), 0);
    expect(created).toEqual(["Sample_20310104", "Sample_20310105"]);
    const owners = await withClient(appUrl(), async (client) =>
      (await client.query(`SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname IN ('Sample_20310104', 'Sample_20310105') ORDER BY 1`)).rows,
    );
    expect(owners).toEqual([
      { relname: "Sample_20310104", owner: roles.owner.name },
      { relname: "Sample_20310105", owner: roles.owner.name },
    ]);
    const [{ callers }] = await withClient(superuserDatabaseUrl(), async (client) =>
      (
        await client.query(
          `SELECT array_agg(DISTINCT grantee::text ORDER BY grantee::text) AS callers FROM information_schema.role_routine_grants
            WHERE routine_name IN ('switchyard_create_sample_partition', 'switchyard_drop_sample_partition') AND privilege_type = 'EXECUTE'`,
        )
      ).rows,
    );
    expect(callers).toEqual([roles.app.name, roles.owner.name].sort());
  });
});

describe("starting several copies at once", () => {
  it("migrates and grants once at a time, so none of them fails", async () => {
    const urls = { appUrl: appUrl(), migrationUrl: ownerDatabaseUrl() };
    const started = await Promise.all(Array.from({ length: 4 }, () => prepareStore(urls)));
    expect(started.map((copy) => copy.risks)).toEqual([[], [], [], []]);
  });
});

describe("starting on DATABASE_URL alone", () => {
  it("as the application role: starts when every migration is applied, and refuses, naming MIGRATION_DATABASE_URL, when one is pending", async () => {
    expect(await prepareStore({ appUrl: appUrl(), migrationUrl: appUrl() })).toMatchObject({ appRole: roles.app.name, migration: { applied: [] }, risks: [] });

    const folder = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    folders.push(folder);
    cpSync(path.resolve("prisma/migrations"), folder, { recursive: true });
    mkdirSync(path.join(folder, "29990202000000_pending"));
    writeFileSync(path.join(folder, "29990202000000_pending", "migration.sql"), 'CREATE TABLE "Pending" ("id" INTEGER);');
    await expect(prepareStore({ appUrl: appUrl(), migrationUrl: appUrl() }, folder)).rejects.toThrow(
      /Migration 29990202000000_pending failed: permission denied for schema public\. DATABASE_URL's role "switchyard_app[^"]*" may not change the schema.*set MIGRATION_DATABASE_URL/,
    );
  });

  it("as a superuser: starts, and says what that role could do", async () => {
    const prepared = await prepareStore({ appUrl: superuserDatabaseUrl(), migrationUrl: superuserDatabaseUrl() });
    expect(prepared.risks.map((risk) => risk.id)).toEqual(["superuser"]);
    expect(prepared.risks[0]!.sentence).toContain(`"${prepared.appRole}", a superuser`);
  });
});

describe("what the fleet page says of the store role", () => {
  it("reads each role for what it is: the superuser, the owner, the application role", async () => {
    const risksOf = async (url: string) => storeRoleRisks(await withClient(url, readStoreRoleFacts)).map((risk) => risk.id);
    expect(await risksOf(superuserDatabaseUrl())).toEqual(["superuser"]);
    expect(await risksOf(ownerDatabaseUrl())).toEqual(["owns-tables"]);
    expect(await risksOf(appUrl())).toEqual([]);
  });

  it("warns on the fleet overview when the control plane runs as a superuser, and not when it runs as the application role", async () => {
    const holder = globalThis as unknown as { switchyardSqlPool?: pg.Pool; switchyardStoreRoleRisks?: unknown };
    expect((await fleetOverview()).storeWarnings).toEqual([]);
    const appPool = holder.switchyardSqlPool;
    const superuser = new pg.Pool({ connectionString: superuserDatabaseUrl(), max: 1 });
    holder.switchyardSqlPool = superuser;
    holder.switchyardStoreRoleRisks = undefined;
    try {
      const { storeWarnings } = await fleetOverview();
      expect(storeWarnings).toEqual([{ id: "superuser", sentence: expect.stringMatching(/a superuser: whoever holds its connection can disable the audit trail's append-only trigger/) }]);
    } finally {
      holder.switchyardSqlPool = appPool;
      holder.switchyardStoreRoleRisks = undefined;
      await superuser.end();
    }
  });
});
