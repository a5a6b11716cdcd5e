import { afterAll, describe, expect, it } from "vitest";
import { policyDocumentSchema } from "@/contracts/policy";
import { DEMO_SERVICE_POLICY } from "@/prisma/seed/demo-topology";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { changeRequestFixture } from "../support/policies";
import { createTestUser } from "../support/api";
import { PartlyMigratedStore } from "../support/partly-migrated-store";

const DROP_FEATURE_FLAGS = "20261202151000_policy_drop_feature_flags";
const store = new PartlyMigratedStore(DROP_FEATURE_FLAGS);

afterAll(() => store.drop());

/** A policy document as stored before the feature flags were removed. */
const OLD_SHAPE = { ...DEMO_SERVICE_POLICY, featureFlags: { cross_region_writes: false } };

describe("dropping the policy's feature flags", () => {
  it("rewrites every stored document of the old shape (versions and change requests) so that it parses", async () => {
    await store.create();
    const old = JSON.stringify(OLD_SHAPE);
    await store.query(`INSERT INTO "User" (id, email, "passwordHash", roles, "updatedAt") VALUES ('u1', 'old@example.com', 'x', '{admin}', now())`);
    await store.query(`INSERT INTO "Policy" (id, scope, "currentVersion") VALUES ('p1', 'global', 1)`);
    await store.query(`INSERT INTO "PolicyVersion" (id, "policyId", version, document) VALUES ('v1', 'p1', 1, $1::jsonb)`, [old]);
    await store.query(
      `INSERT INTO "ChangeRequest" (id, "policyId", "baseVersion", document, reason, "requiredApprovals", "requesterId", "expiresAt") VALUES ('c1', 'p1', 1, $1::jsonb, 'old', 1, 'u1', now())`,
      [old],
    );
    expect(policyDocumentSchema.safeParse(OLD_SHAPE).success).toBe(false);

    const result = await store.migrateTheRest();
    expect(result.applied[0]).toBe(DROP_FEATURE_FLAGS);
    const documents = [
      ...(await store.query<{ document: unknown }>(`SELECT document FROM "PolicyVersion"`)),
      ...(await store.query<{ document: unknown }>(`SELECT document FROM "ChangeRequest"`)),
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
