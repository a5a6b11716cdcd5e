import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi";
import { OPERATIONS } from "./operations";
import { policyDocumentSchema } from "./policy";
import { issueTokenRequestSchema } from "./tokens";
import { createUserRequestSchema, emailSchema, updateUserRequestSchema } from "./users";
import { DEMO_SERVICE_POLICY, GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";

function firstIssue(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  const issue = result.error?.issues[0];
  return issue ? { path: issue.path.join("."), message: issue.message } : null;
}

describe("user contracts", () => {
  it("normalise emails and accept hosts without a dot", () => {
    expect(emailSchema.parse("  Admin@LOCALHOST ")).toBe("admin@localhost");
    expect(emailSchema.safeParse("not-an-email").success).toBe(false);
  });

  it("accept a complete create-user request", () => {
    const parsed = createUserRequestSchema.parse({ email: "ops@example.com", password: "correct horse battery", roles: ["operator", "viewer"] });
    expect(parsed.roles).toEqual(["operator", "viewer"]);
  });

  it.each([
    [{ password: "correct horse battery", roles: ["viewer"] }, "email"],
    [{ email: "ops@example.com", password: "short", roles: ["viewer"] }, "password"],
    [{ email: "ops@example.com", password: 12345678901234, roles: ["viewer"] }, "password"],
    [{ email: "ops@example.com", password: "correct horse battery", roles: [] }, "roles"],
    [{ email: "ops@example.com", password: "correct horse battery", roles: ["root"] }, "roles.0"],
    [{ email: "ops@example.com", password: "correct horse battery", roles: ["viewer", "viewer"] }, "roles"],
  ])("name the offending field: %j → %s", (input, field) => {
    expect(firstIssue(createUserRequestSchema.safeParse(input))?.path).toBe(field);
  });

  it("refuse unknown fields rather than silently dropping them", () => {
    const result = createUserRequestSchema.safeParse({ email: "a@b.c", password: "correct horse battery", roles: ["viewer"], isAdmin: true });
    expect(result.success).toBe(false);
  });

  it("refuse an update that changes nothing", () => {
    expect(updateUserRequestSchema.safeParse({}).success).toBe(false);
    expect(updateUserRequestSchema.safeParse({ disabled: true }).success).toBe(true);
  });
});

describe("token contracts", () => {
  it("default the token name and its lifetime, and bound the lifetime", () => {
    expect(issueTokenRequestSchema.parse({ email: "a@b.c", password: "x", scopes: ["read"] })).toMatchObject({ name: "api", expiresInDays: 30 });
    expect(firstIssue(issueTokenRequestSchema.safeParse({ email: "a@b.c", password: "x", scopes: ["read"], expiresInDays: 0 }))?.path).toBe("expiresInDays");
    expect(firstIssue(issueTokenRequestSchema.safeParse({ email: "a@b.c", password: "x", scopes: ["read"], expiresInDays: 91 }))?.path).toBe("expiresInDays");
  });

  it("need the scopes chosen, each once", () => {
    expect(firstIssue(issueTokenRequestSchema.safeParse({ email: "a@b.c", password: "x" }))?.path).toBe("scopes");
    expect(firstIssue(issueTokenRequestSchema.safeParse({ email: "a@b.c", password: "x", scopes: [] }))?.path).toBe("scopes");
    expect(firstIssue(issueTokenRequestSchema.safeParse({ email: "a@b.c", password: "x", scopes: ["read", "read"] }))?.path).toBe("scopes");
    expect(firstIssue(issueTokenRequestSchema.safeParse({ email: "a@b.c", password: "x", scopes: ["root"] }))?.path).toBe("scopes.0");
  });
});

describe("policy documents", () => {
  it("accept the seeded defaults", () => {
    expect(policyDocumentSchema.parse(GLOBAL_DEFAULT_POLICY)).toEqual(GLOBAL_DEFAULT_POLICY);
    expect(policyDocumentSchema.parse(DEMO_SERVICE_POLICY)).toEqual(DEMO_SERVICE_POLICY);
  });

  it("name the field of an invalid threshold", () => {
    const result = policyDocumentSchema.safeParse({ ...GLOBAL_DEFAULT_POLICY, witness: { quorum: 0 } });
    expect(firstIssue(result)?.path).toBe("witness.quorum");
  });

  it("leave planned switchovers out of the cooldown unless a document says otherwise", () => {
    const { cooldownAfterSwitchover, ...failover } = GLOBAL_DEFAULT_POLICY.failover;
    expect(cooldownAfterSwitchover).toBe(false);
    expect(policyDocumentSchema.parse({ ...GLOBAL_DEFAULT_POLICY, failover }).failover.cooldownAfterSwitchover).toBe(false);
  });

  it("read a document stored before errant transactions were the policy's as refusing them, and name a bad choice", () => {
    const { errantTransactions, ...failover } = GLOBAL_DEFAULT_POLICY.failover;
    expect(errantTransactions).toBe("refuse");
    expect(policyDocumentSchema.parse({ ...GLOBAL_DEFAULT_POLICY, failover }).failover.errantTransactions).toBe("refuse");
    const result = policyDocumentSchema.safeParse({ ...GLOBAL_DEFAULT_POLICY, failover: { ...failover, errantTransactions: "discard" } });
    expect(firstIssue(result)?.path).toBe("failover.errantTransactions");
  });

  it("read a document stored before drills had a rule as drills that need no approval, and name a bad drills field", () => {
    const { drills, ...stored } = GLOBAL_DEFAULT_POLICY;
    expect(drills).toEqual({ requireApproval: false, approvalExpiresAfterMinutes: 240 });
    expect(policyDocumentSchema.parse(stored).drills).toEqual({ requireApproval: false, approvalExpiresAfterMinutes: 240 });
    expect(policyDocumentSchema.parse({ ...stored, drills: { requireApproval: true } }).drills).toEqual({ requireApproval: true, approvalExpiresAfterMinutes: 240 });
    const bad = policyDocumentSchema.safeParse({ ...stored, drills: { requireApproval: true, approvalExpiresAfterMinutes: 1 } });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["drills", "approvalExpiresAfterMinutes"], message: "must be at least 5 minutes" });
  });

  it("refuse the feature flags they no longer have (cross-region writes need a multi-writer engine)", () => {
    const result = policyDocumentSchema.safeParse({ ...GLOBAL_DEFAULT_POLICY, featureFlags: { cross_region_writes: false } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["featureFlags"] });
  });
});

describe("OpenAPI document", () => {
  const document = buildOpenApiDocument("test");

  it("is OpenAPI 3.1 and describes every operation of the table", () => {
    expect(document.openapi).toBe("3.1.0");
    for (const [id, op] of Object.entries(OPERATIONS)) {
      const path = document.paths?.[op.path];
      const described = path?.[op.method.toLowerCase() as "get"];
      expect(described?.operationId, `${op.method} ${op.path}`).toBe(id);
    }
  });

  it("documents the error shape and the statuses each operation can answer", () => {
    const createUser = document.paths?.["/api/v1/users"]?.post;
    expect(Object.keys(createUser?.responses ?? {}).sort()).toEqual(["201", "400", "401", "403", "409"]);
    expect(document.components?.schemas?.Error).toBeDefined();
    expect(document.components?.schemas?.CreateUserRequest).toBeDefined();
  });

  it("marks public operations as needing no credentials", () => {
    expect(document.paths?.["/api/health"]?.get?.security).toEqual([]);
    expect(document.paths?.["/api/v1/services"]?.get?.security).toEqual([{ bearer: [] }, { session: [] }]);
  });
});
