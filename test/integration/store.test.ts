import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { DEMO_REGIONS, DEMO_REPLICAS } from "@/prisma/seed/demo-topology";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { bootstrapAdmin } from "@/server/store/bootstrap-admin";
import { migrate } from "@/server/store/migrate";
import { seedDemoTopology } from "@/server/store/seed";

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
    const result = await migrate(process.env.DATABASE_URL!);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThan(0);
  });

  it("refuse to run when an applied migration was edited afterwards", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    cpSync(path.resolve("prisma/migrations"), folder, { recursive: true });
    const first = path.join(folder, "20261126040000_init", "migration.sql");
    writeFileSync(first, `${readFileSync(first, "utf8")}\n-- edited\n`);
    await expect(migrate(process.env.DATABASE_URL!, folder)).rejects.toThrow(/20261126040000_init was edited after it was applied/);
  });

  it("roll back a migration that fails and leave it unrecorded", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    cpSync(path.resolve("prisma/migrations"), folder, { recursive: true });
    mkdirSync(path.join(folder, "29990101000000_broken"));
    writeFileSync(path.join(folder, "29990101000000_broken", "migration.sql"), 'CREATE TABLE "Half" (id int);\nSELECT * FROM "NoSuchTable";');
    await expect(migrate(process.env.DATABASE_URL!, folder)).rejects.toThrow(/29990101000000_broken failed/);
    expect(await tables(process.env.DATABASE_URL!)).not.toContain("Half");
  });
});

describe("seeding", () => {
  it("creates the demo topology on a fresh store, audited, and nothing on a second run", async () => {
    const created = await seedDemoTopology(db());
    expect(created).toContain("service orders-db");
    const service = await db().service.findUniqueOrThrow({
      where: { id: "orders-db" },
      include: { datasets: true, replicas: { include: { region: true } }, writeReplica: true },
    });
    expect(service.datasets.map((d) => [d.name, d.consistency, d.rpoSeconds]).sort()).toEqual([
      ["order-history", "eventual", 30],
      ["orders", "strong", 0],
    ]);
    const byRegion = Object.fromEntries(service.replicas.map((r) => [r.regionId, [r.role, r.replication]]));
    expect(byRegion).toEqual({
      "aws:us-east-1": ["primary", "sync"],
      "aws:eu-west-1": ["standby", "sync"],
      "gcp:europe-west3": ["standby", "async"],
    });
    expect(service.writeReplica?.regionId).toBe("aws:us-east-1");
    expect(Object.fromEntries(service.replicas.map((r) => [r.regionId, r.region.jurisdiction]))).toEqual({
      "aws:us-east-1": "US",
      "aws:eu-west-1": "EU",
      "gcp:europe-west3": "EU",
    });
    const policy = await db().policy.findUniqueOrThrow({ where: { scope: "service:orders-db" }, include: { versions: true } });
    expect(policy.versions).toHaveLength(1);

    const counts = async () => ({
      regions: await db().region.count(),
      replicas: await db().replica.count(),
      datasets: await db().dataset.count(),
      policyVersions: await db().policyVersion.count(),
      audit: await db().auditEvent.count(),
    });
    const before = await counts();
    expect(before).toMatchObject({ regions: DEMO_REGIONS.length, replicas: DEMO_REPLICAS.length, datasets: 2, policyVersions: 2, audit: 1 });
    expect(await seedDemoTopology(db())).toEqual([]);
    expect(await counts()).toEqual(before);
    expect(await db().auditEvent.findFirst({ where: { action: "store.seed" } })).toMatchObject({ actorType: "system", outcome: "success" });
  });

  it("leaves a changed topology alone on restart (a failover is not undone)", async () => {
    const standby = await db().replica.findFirstOrThrow({ where: { regionId: "aws:eu-west-1" } });
    await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: standby.id, epoch: 2 } });
    await seedDemoTopology(db());
    expect(await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).toMatchObject({ writeReplicaId: standby.id, epoch: 2 });
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
