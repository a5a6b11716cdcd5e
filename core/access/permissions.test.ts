import { describe, expect, it } from "vitest";
import { OPERATIONS, type OperationId } from "@/contracts/operations";
import { hasPermission, PERMISSIONS, ROLES, type Role } from "./permissions";

const EVERYONE: Role[] = [...ROLES];

/**
 * Who may call what, written out by hand from the product design rather than
 * derived from the grant table, so that a change to either shows up here.
 */
const EXPECTED: Record<OperationId, Role[] | "public"> = {
  health: "public",
  openApi: "public",
  issueToken: "public",
  listServices: EVERYONE,
  listUsers: ["admin"],
  createUser: ["admin"],
  updateUser: ["admin"],
  listTokens: EVERYONE,
  createOwnToken: EVERYONE,
  revokeToken: EVERYONE,
  verifyAudit: ["auditor", "admin"],
};

describe("role checks: every role × every API operation", () => {
  for (const [id, op] of Object.entries(OPERATIONS) as [OperationId, (typeof OPERATIONS)[OperationId]][]) {
    const expected = EXPECTED[id];
    if (expected === "public") {
      it(`${op.method} ${op.path} is public`, () => expect(op.access).toBe("public"));
      continue;
    }
    for (const role of ROLES) {
      const allowed = expected.includes(role);
      it(`${op.method} ${op.path}: ${role} is ${allowed ? "allowed" : "refused (403)"}`, () => {
        expect(op.access).not.toBe("public");
        if (op.access === "public") return;
        expect(hasPermission([role], op.access)).toBe(allowed);
      });
    }
  }
});

describe("permissions", () => {
  it("grant nothing to a user without roles", () => {
    for (const permission of PERMISSIONS) expect(hasPermission([], permission)).toBe(false);
  });

  it("are the union of a user's roles", () => {
    expect(hasPermission(["viewer"], "audit:read")).toBe(false);
    expect(hasPermission(["viewer", "auditor"], "audit:read")).toBe(true);
  });

  it("are each granted to at least one role", () => {
    for (const permission of PERMISSIONS) expect(ROLES.some((role) => hasPermission([role], permission)), permission).toBe(true);
  });
});
