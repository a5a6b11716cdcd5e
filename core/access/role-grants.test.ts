import { describe, expect, it } from "vitest";
import type { Role } from "./permissions";
import { applyGrant, decideRoleGrant, GRANT_RULES, splitRoleChange, type GrantState } from "./role-grants";
import type { RoleGrants } from "./service-scopes";

const DAY = 86_400_000;
const now = new Date("2026-12-03T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);

const fleetWide = (...roles: Role[]): RoleGrants => ({ roles, serviceScopes: {} });

describe("splitRoleChange", () => {
  it("keeps every privileged role the account does not hold for a grant, and applies the rest at once", () => {
    expect(splitRoleChange(fleetWide("viewer"), fleetWide("viewer", "approver", "auditor"))).toEqual({ now: fleetWide("viewer", "auditor"), grant: fleetWide("approver") });
    expect(splitRoleChange(fleetWide(), fleetWide("admin", "approver"))).toEqual({ now: fleetWide(), grant: fleetWide("admin", "approver") });
  });

  it("applies removals, narrowings and privileged roles already held as they are at once", () => {
    expect(splitRoleChange(fleetWide("admin", "approver"), fleetWide("approver"))).toEqual({ now: fleetWide("approver"), grant: fleetWide() });
    expect(splitRoleChange(fleetWide("admin"), fleetWide("admin", "operator"))).toEqual({ now: fleetWide("admin", "operator"), grant: fleetWide() });
    const narrowed = { roles: ["approver" as const], serviceScopes: { approver: ["orders-db"] } };
    expect(splitRoleChange(fleetWide("approver"), narrowed)).toEqual({ now: narrowed, grant: fleetWide() });
  });

  it("grants approver on more services, or fleet-wide, only with a second admin; meanwhile its limit stays", () => {
    const orders = { roles: ["approver" as const], serviceScopes: { approver: ["orders-db"] } };
    const wider = { roles: ["approver" as const], serviceScopes: { approver: ["billing-db", "orders-db"] } };
    expect(splitRoleChange(orders, wider)).toEqual({ now: orders, grant: wider });
    expect(splitRoleChange(orders, fleetWide("approver"))).toEqual({ now: orders, grant: fleetWide("approver") });
    // An operator limit is no privilege: it applies at once beside the waiting approver.
    const asked = { roles: ["operator" as const, "approver" as const], serviceScopes: { operator: ["billing-db"], approver: ["billing-db"] } };
    expect(splitRoleChange(fleetWide("operator"), asked)).toEqual({
      now: { roles: ["operator"], serviceScopes: { operator: ["billing-db"] } },
      grant: { roles: ["approver"], serviceScopes: { approver: ["billing-db"] } },
    });
  });
});

describe("applyGrant", () => {
  it("adds the roles and sets each granted role's limit, leaving the others'", () => {
    const current = { roles: ["operator" as const, "approver" as const], serviceScopes: { operator: ["orders-db"], approver: ["orders-db"] } };
    expect(applyGrant(current, fleetWide("approver"))).toEqual({ roles: ["operator", "approver"], serviceScopes: { operator: ["orders-db"] } });
    expect(applyGrant(fleetWide("viewer"), { roles: ["approver"], serviceScopes: { approver: ["billing-db"] } })).toEqual({
      roles: ["viewer", "approver"],
      serviceScopes: { approver: ["billing-db"] },
    });
  });
});

const pending: GrantState = {
  status: "pending",
  userId: "carol",
  requesterId: "alice",
  grant: fleetWide("approver"),
  expiresAt: new Date(now.getTime() + DAY),
  user: { email: "carol@example.com", disabled: false, ...fleetWide("viewer") },
};
const bob = { userId: "bob", label: "bob@example.com" };

describe("decideRoleGrant", () => {
  it("applies a grant approved by a second admin", () => {
    expect(decideRoleGrant(pending, { type: "approve" }, bob, null, now)).toEqual({
      outcome: "apply",
      after: fleetWide("viewer", "approver"),
      sentence: "bob@example.com approved the grant of approver to carol@example.com",
    });
    const limited = { ...pending, grant: { roles: ["approver" as const], serviceScopes: { approver: ["orders-db"] } } };
    expect(decideRoleGrant(limited, { type: "approve" }, bob, null, now)).toMatchObject({ sentence: "bob@example.com approved the grant of approver on orders-db to carol@example.com" });
  });

  it("refuses its requester's approval: the two-person rule", () => {
    expect(decideRoleGrant(pending, { type: "approve" }, { userId: "alice", label: "alice@example.com" }, null, now)).toMatchObject({ outcome: "refuse", rule: "grant-requester", status: 403 });
  });

  it("refuses the grantee's approval of their own grant", () => {
    expect(decideRoleGrant(pending, { type: "approve" }, { userId: "carol", label: "carol@example.com" }, null, now)).toMatchObject({ rule: "grant-self", status: 403 });
  });

  it("refuses an admin who is no second person for the requester", () => {
    expect(decideRoleGrant(pending, { type: "approve" }, bob, "cool-off: bob was created by alice", now)).toMatchObject({ rule: "grant-second-person", status: 403 });
  });

  it("lets anyone reject, the requester withdrawing", () => {
    expect(decideRoleGrant(pending, { type: "reject", reason: "wrong person" }, { userId: "alice", label: "alice@example.com" }, null, now)).toEqual({
      outcome: "reject",
      sentence: "alice@example.com withdrew the grant of approver to carol@example.com: wrong person",
    });
    expect(decideRoleGrant(pending, { type: "reject", reason: "no" }, bob, "no second person", now)).toMatchObject({ outcome: "reject" });
  });

  it("decides a grant once, and not after its deadline", () => {
    expect(decideRoleGrant({ ...pending, status: "applied" }, { type: "approve" }, bob, null, now)).toMatchObject({ rule: "grant-decided", status: 409 });
    expect(decideRoleGrant({ ...pending, expiresAt: now }, { type: "approve" }, bob, null, now)).toMatchObject({ rule: "grant-expired", status: 409 });
  });

  it("grants nothing to a disabled account or one that already holds the roles", () => {
    expect(decideRoleGrant({ ...pending, user: { ...pending.user, disabled: true } }, { type: "approve" }, bob, null, now)).toMatchObject({ rule: "grant-disabled" });
    expect(decideRoleGrant({ ...pending, user: { ...pending.user, roles: ["approver"] } }, { type: "approve" }, bob, null, now)).toMatchObject({ rule: "grant-held" });
    // Held on one service, granted fleet-wide: there is something to do.
    const onOne = { ...pending.user, roles: ["approver" as const], serviceScopes: { approver: ["orders-db"] } };
    expect(decideRoleGrant({ ...pending, user: onOne }, { type: "approve" }, bob, null, now)).toMatchObject({ outcome: "apply", after: fleetWide("approver") });
  });

  it("has a sentence for every rule", () => {
    expect(new Set(GRANT_RULES.map((rule) => rule.id)).size).toBe(GRANT_RULES.length);
    for (const rule of GRANT_RULES) expect(rule.sentence).toMatch(/\.$/);
  });
});
