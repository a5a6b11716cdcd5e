import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { policyDocumentSchema } from "@/contracts/policy";
import { DEMO_SERVICE_POLICY } from "@/prisma/seed/demo-topology";
import { db } from "@/server/db/client";
import { migrate } from "@/server/store/migrate";
import { seedDemoTopology } from "../support/demo-topology";
import { changeRequestFixture } from "../support/policies";
import { createTestUser } from "../support/api";
import { superuserDatabaseUrl } from "../support/sql";

const DROP_FEATURE_FLAGS = "20261202151000_policy_drop_feature_flags";
const MIGRATIONS = path.resolve("prisma/migrations");

/** A database of its own on the test server, for a store migrated only part of the way. */
const name = `m_${randomBytes(6).toString("hex")}`;
const serverUrl = (database: string) => {
  const url = new URL(superuserDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
};

async function query<T extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await query("postgres", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

/** A policy document as stored before the feature flags were removed. */
const OLD_SHAPE = { ...DEMO_SERVICE_POLICY, featureFlags: { cross_region_writes: false } };

describe("dropping the policy's feature flags", () => {
  it("rewrites every stored document of the old shape (versions and change requests) so that it parses", async () => {
    await query("postgres", `CREATE DATABASE ${name}`);
    const before = mkdtempSync(path.join(os.tmpdir(), "migrations-before-"));
    try {
      for (const migration of readdirSync(MIGRATIONS, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name < DROP_FEATURE_FLAGS)) {
        cpSync(path.join(MIGRATIONS, migration.name), path.join(before, migration.name), { recursive: true });
      }
      await migrate(serverUrl(name), before);
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    const old = JSON.stringify(OLD_SHAPE);
    await query(name, `INSERT INTO "User" (id, email, "passwordHash", roles, "updatedAt") VALUES ('u1', 'old@example.com', 'x', '{admin}', now())`);
    await query(name, `INSERT INTO "Policy" (id, scope, "currentVersion") VALUES ('p1', 'global', 1)`);
    await query(name, `INSERT INTO "PolicyVersion" (id, "policyId", version, document) VALUES ('v1', 'p1', 1, $1::jsonb)`, [old]);
    await query(
      name,
      `INSERT INTO "ChangeRequest" (id, "policyId", "baseVersion", document, reason, "requiredApprovals", "requesterId", "expiresAt") VALUES ('c1', 'p1', 1, $1::jsonb, 'old', 1, 'u1', now())`,
      [old],
    );
    expect(policyDocumentSchema.safeParse(OLD_SHAPE).success).toBe(false);

    const result = await migrate(serverUrl(name));
    expect(result.applied[0]).toBe(DROP_FEATURE_FLAGS);
    const documents = [
      ...(await query<{ document: unknown }>(name, `SELECT document FROM "PolicyVersion"`)),
      ...(await query<{ document: unknown }>(name, `SELECT document FROM "ChangeRequest"`)),
    ].map((row) => row.document);
    expect(documents).toHaveLength(2);
    for (const document of documents) expect(policyDocumentSchema.parse(document)).toEqual(policyDocumentSchema.parse(DEMO_SERVICE_POLICY));
  });

  it("leaves a freshly migrated and seeded store whose every document parses", async () => {
    await seedDemoTopology(db());
    await createTestUser("requester@example.com", ["admin"]);
    await changeRequestFixture("requester@example.com");
    const documents = [...(await db().policyVersion.findMany()), ...(await db().changeRequest.findMany())].map((row) => row.document);
    expect(documents.length).toBeGreaterThanOrEqual(3);
    for (const document of documents) expect(policyDocumentSchema.safeParse(document).error).toBeUndefined();
  });
});
