import { describe, expect, it } from "vitest";
import { decideRoleGrant, GRANT_RULES, splitRoleChange, type GrantState } from "./role-grants";

const DAY = 86_400_000;
const now = new Date("2026-12-03T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe("splitRoleChange", () => {
  it("keeps every privileged role the account does not hold for a grant, and applies the rest at once", () => {
    expect(splitRoleChange(["viewer"], ["viewer", "approver", "auditor"])).toEqual({ now: ["viewer", "auditor"], grant: ["approver"] });
    expect(splitRoleChange([], ["admin", "approver"])).toEqual({ now: [], grant: ["admin", "approver"] });
  });

  it("applies removals and privileged roles already held at once", () => {
    expect(splitRoleChange(["admin", "approver"], ["approver"])).toEqual({ now: ["approver"], grant: [] });
    expect(splitRoleChange(["admin"], ["admin", "operator"])).toEqual({ now: ["admin", "operator"], grant: [] });
  });
});

const pending: GrantState = {
  status: "pending",
  userId: "carol",
  requesterId: "alice",
  roles: ["approver"],
  expiresAt: new Date(now.getTime() + DAY),
  user: { email: "carol@example.com", roles: ["viewer"], disabled: false },
};
const bob = { userId: "bob", label: "bob@example.com" };

describe("decideRoleGrant", () => {
  it("applies a grant approved by a second admin", () => {
    expect(decideRoleGrant(pending, { type: "approve" }, bob, null, now)).toEqual({
      outcome: "apply",
      roles: ["viewer", "approver"],
      sentence: "bob@example.com approved the grant of approver to carol@example.com",
    });
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
  });

  it("has a sentence for every rule", () => {
    expect(new Set(GRANT_RULES.map((rule) => rule.id)).size).toBe(GRANT_RULES.length);
    for (const rule of GRANT_RULES) expect(rule.sentence).toMatch(/\.$/);
  });
});
