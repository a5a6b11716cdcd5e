import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { bootstrapAdmin } from "@/server/store/bootstrap-admin";
import { migrate } from "@/server/store/migrate";
import { seedDefaults } from "@/server/store/seed";
import { ownerDatabaseUrl } from "../support/sql";

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    return rows.map((row) => row.tablename);
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  it("build the whole domain model on an empty database and record themselves as Prisma does", async () => {
    const names = await tables(process.env.DATABASE_URL!);
    for (const table of ["Service", "Dataset", "Region", "Replica", "Agent", "Sample", "Policy", "PolicyVersion", "ChangeRequest", "Approval", "Runbook", "Run", "StepRun", "AuditEvent", "User", "ApiToken"]) {
      expect(names).toContain(table);
    }
    expect(names).toContain("_prisma_migrations");
    const migrations = readFileSync(path.resolve("prisma/migrations/migration_lock.toml"), "utf8");
    expect(migrations).toContain('provider = "postgresql"');
  });

  it("apply nothing the second time", async () => {
    const result = await migrate(ownerDatabaseUrl());
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThan(0);
  });

  it("refuse to run when an applied migration was edited afterwards", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    cpSync(path.resolve("prisma/migrations"), folder, { recursive: true });
    const first = path.join(folder, "20261126040000_init", "migration.sql");
    writeFileSync(first, `${readFileSync(first, "utf8")}\n-- edited\n`);
    await expect(migrate(ownerDatabaseUrl(), folder)).rejects.toThrow(/20261126040000_init was edited after it was applied/);
  });

  it("roll back a migration that fails and leave it unrecorded", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    cpSync(path.resolve("prisma/migrations"), folder, { recursive: true });
    mkdirSync(path.join(folder, "29990101000000_broken"));
    writeFileSync(path.join(folder, "29990101000000_broken", "migration.sql"), 'CREATE TABLE "Half" (id int);\nSELECT * FROM "NoSuchTable";');
    await expect(migrate(ownerDatabaseUrl(), folder)).rejects.toThrow(/29990101000000_broken failed/);
    expect(await tables(process.env.DATABASE_URL!)).not.toContain("Half");
  });
});

describe("seeding", () => {
  it("creates only the global default policy on a fresh store, audited, and nothing on a second run", async () => {
    expect(await seedDefaults(db())).toEqual(["policy global v1"]);
    const counts = async () => ({
      regions: await db().region.count(),
      services: await db().service.count(),
      replicas: await db().replica.count(),
      policyVersions: await db().policyVersion.count(),
      audit: await db().auditEvent.count(),
    });
    const before = await counts();
    // The chain's first append on a store names the key it is keyed with (audit.chain_keyed), then the seed.
    expect(before).toEqual({ regions: 0, services: 0, replicas: 0, policyVersions: 1, audit: 2 });
    expect((await db().auditEvent.findMany({ orderBy: { seq: "asc" }, select: { action: true } })).map((event) => event.action)).toEqual(["audit.chain_keyed", "store.seed"]);
    expect(await seedDefaults(db())).toEqual([]);
    expect(await counts()).toEqual(before);
    expect(await db().auditEvent.findFirst({ where: { action: "store.seed" } })).toMatchObject({ actorType: "system", outcome: "success" });
  });

  it("leaves an edited global policy alone on restart", async () => {
    const global = await db().policy.findUniqueOrThrow({ where: { scope: "global" } });
    await db().policy.update({ where: { id: global.id }, data: { currentVersion: 7 } });
    expect(await seedDefaults(db())).toEqual([]);
    expect(await db().policy.findUniqueOrThrow({ where: { id: global.id } })).toMatchObject({ currentVersion: 7 });
  });
});

describe("first admin", () => {
  it("is created once, from the environment, and audited", async () => {
    const env = { SWITCHYARD_ADMIN_EMAIL: "Root@Example.com", SWITCHYARD_ADMIN_PASSWORD: "a-long-enough-password" };
    expect(await bootstrapAdmin(db(), env)).toEqual({ email: "root@example.com", generatedPassword: null });
    expect(await bootstrapAdmin(db(), env)).toBeNull();
    const admin = await db().user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(admin.roles).toEqual(["admin"]);
    expect(admin.passwordHash).not.toContain("a-long-enough-password");
    expect(await db().auditEvent.count({ where: { action: "admin.bootstrap" } })).toBe(1);
    expect((await verifyAuditChain(db())).intact).toBe(true);
  });

  it("refuses a configured password that is too short", async () => {
    await expect(bootstrapAdmin(db(), { SWITCHYARD_ADMIN_PASSWORD: "short" })).rejects.toThrow(/SWITCHYARD_ADMIN_PASSWORD must be at least 12 characters/);
  });
});
