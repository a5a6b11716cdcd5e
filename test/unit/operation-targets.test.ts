import { describe, expect, it } from "vitest";
import { OPERATION_TARGETS, type OperationTarget } from "@/contracts/operation-targets";
import { OPERATIONS, type ApiOperation } from "@/contracts/operations";
import { PERMISSION_REACH } from "@/core/access/service-scopes";
import type { Permission } from "@/core/access/permissions";
import { TARGET_RESOLVERS } from "@/server/access/operation-targets";

/**
 * Roles limited to services are enforced from the operation table: every
 * operation whose permission acts per service says where its service is
 * found, and the server can find it. A new operation that skips this fails
 * here (and does not compile).
 */
const operations = Object.entries(OPERATIONS) as [string, ApiOperation][];
const permissionOf = (op: ApiOperation): Permission | null =>
  op.access === "public" || op.access === "agent" || op.access === "enrollment-token" ? null : op.access;

describe("the operation table's targets", () => {
  it("are found", () => expect(operations.filter(([, op]) => op.target).length).toBeGreaterThan(10));

  for (const [id, op] of operations) {
    const permission = permissionOf(op);
    const perService = permission !== null && PERMISSION_REACH[permission] === "service";
    it(`${id} (${op.method} ${op.path}) ${perService ? `names where its service is found, which the server resolves` : "names no target"}`, () => {
      if (!perService) {
        expect(op.target).toBeUndefined();
        return;
      }
      expect(op.target, `${id} acts with ${permission}, a per-service permission`).toBeDefined();
      expect(OPERATION_TARGETS[op.target!]).toBeTypeOf("string");
      expect(TARGET_RESOLVERS[op.target!]).toBeTypeOf("function");
      if (op.target!.endsWith("-param")) expect(op.params, `${id} reads its target from {id}`).toBeDefined();
      if (op.target!.endsWith("-body")) expect(op.body, `${id} reads its target from its body`).toBeDefined();
    });
  }

  it("each have a resolver, and each resolver serves an operation", () => {
    const used = new Set(operations.map(([, op]) => op.target).filter(Boolean));
    expect(Object.keys(TARGET_RESOLVERS).sort()).toEqual(Object.keys(OPERATION_TARGETS).sort());
    expect([...used].sort()).toEqual((Object.keys(OPERATION_TARGETS) as OperationTarget[]).sort());
  });
});
