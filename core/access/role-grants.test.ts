import { describe, expect, it } from "vitest";
import { coolOffRefusal, type ApproverHistory } from "./approval-cool-off";
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

  it("refuses an admin the requester vouched for recently", () => {
    expect(decideRoleGrant(pending, { type: "approve" }, bob, "cool-off: bob was created by alice", now)).toMatchObject({ rule: "grant-cool-off", status: 403 });
  });

  it("lets anyone reject, the requester withdrawing", () => {
    expect(decideRoleGrant(pending, { type: "reject", reason: "wrong person" }, { userId: "alice", label: "alice@example.com" }, null, now)).toEqual({
      outcome: "reject",
      sentence: "alice@example.com withdrew the grant of approver to carol@example.com: wrong person",
    });
    expect(decideRoleGrant(pending, { type: "reject", reason: "no" }, bob, "cool-off", now)).toMatchObject({ outcome: "reject" });
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

const alice = { id: "alice", label: "alice@example.com" };
const carol = { id: "carol", label: "carol@example.com" };
const fresh: ApproverHistory = { createdById: null, createdAt: ago(400), passwordResetById: null, passwordResetAt: null, grants: [] };
const week = 7 * DAY;

describe("coolOffRefusal", () => {
  it("lets an account nobody vouched for approve", () => {
    expect(coolOffRefusal(carol, fresh, alice, now, week)).toBeNull();
  });

  it("refuses an account the requester created within the window, and says until when", () => {
    const refusal = coolOffRefusal(carol, { ...fresh, createdById: "alice", createdAt: ago(2) }, alice, now, week);
    expect(refusal).toBe(
      "cool-off: carol@example.com was created by alice@example.com at 2026-12-01T12:00:00.000Z; an account its requester created, promoted or reset cannot approve that requester's changes for 7 days (until 2026-12-08T12:00:00.000Z); another approver must",
    );
  });

  it("refuses an account granted approver at the requester's request or with the requester's approval", () => {
    const asked = { ...fresh, grants: [{ requesterId: "alice", deciderId: "bob", decidedAt: ago(1), roles: ["approver" as const] }] };
    expect(coolOffRefusal(carol, asked, alice, now, week)).toMatch(/granted approver at the request of alice@example.com/);
    const approved = { ...fresh, grants: [{ requesterId: "bob", deciderId: "alice", decidedAt: ago(1), roles: ["approver" as const] }] };
    expect(coolOffRefusal(carol, approved, alice, now, week)).toMatch(/granted approver with the approval of alice@example.com/);
  });

  it("refuses an account whose password the requester reset: they knew it", () => {
    expect(coolOffRefusal(carol, { ...fresh, passwordResetById: "alice", passwordResetAt: ago(3) }, alice, now, week)).toMatch(/given a new password by alice@example.com/);
  });

  it("names the latest vouching, which ends last", () => {
    const history = { ...fresh, createdById: "alice", createdAt: ago(6), grants: [{ requesterId: "alice", deciderId: "bob", decidedAt: ago(1), roles: ["approver" as const] }] };
    expect(coolOffRefusal(carol, history, alice, now, week)).toMatch(/until 2026-12-09T12:00:00.000Z/);
  });

  it("lets the account approve once the window has passed, and for anyone else at once", () => {
    const history = { ...fresh, createdById: "alice", createdAt: ago(7) };
    expect(coolOffRefusal(carol, history, alice, now, week)).toBeNull();
    expect(coolOffRefusal(carol, { ...fresh, createdById: "alice", createdAt: ago(1) }, { id: "dave", label: "dave@example.com" }, now, week)).toBeNull();
  });

  it("is off with a window of zero", () => {
    expect(coolOffRefusal(carol, { ...fresh, createdById: "alice", createdAt: ago(0) }, alice, now, 0)).toBeNull();
  });
});
