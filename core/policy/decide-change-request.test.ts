import { describe, expect, it } from "vitest";
import { decideChangeRequest, effectiveStatus, type ChangeRequestState } from "./decide-change-request";

const now = new Date("2030-01-01T12:00:00Z");
const requester = { userId: "u-admin", label: "admin@example.com" };
const alice = { userId: "u-alice", label: "alice@example.com" };
const bob = { userId: "u-bob", label: "bob@example.com" };

function state(overrides: Partial<ChangeRequestState> = {}): ChangeRequestState {
  return {
    status: "open",
    requesterId: requester.userId,
    requiredApprovals: 2,
    baseVersion: 3,
    currentVersion: 3,
    expiresAt: new Date("2030-01-04T12:00:00Z"),
    approvals: [],
    ...overrides,
  };
}

describe("decideChangeRequest", () => {
  it("never lets the requester approve or reject their own request (two-person rule)", () => {
    for (const action of [{ type: "approve" as const }, { type: "reject" as const, reason: "nah" }]) {
      const decision = decideChangeRequest(state(), action, requester, now);
      expect(decision).toMatchObject({ outcome: "refuse", status: 403, rule: "two-person" });
    }
  });

  it("records a first approval of two without applying, and applies at the second", () => {
    expect(decideChangeRequest(state(), { type: "approve" }, alice, now)).toEqual({
      outcome: "approve",
      apply: false,
      approvals: 1,
      sentence: "alice@example.com approved (1 of 2); 1 more needed",
    });
    expect(decideChangeRequest(state({ approvals: [{ approverId: alice.userId, decision: "approved" }] }), { type: "approve" }, bob, now)).toEqual({
      outcome: "approve",
      apply: true,
      approvals: 2,
      sentence: "bob@example.com approved (2 of 2); the new version is applied",
    });
  });

  it("applies at once when one approval is required", () => {
    expect(decideChangeRequest(state({ requiredApprovals: 1 }), { type: "approve" }, alice, now)).toMatchObject({ outcome: "approve", apply: true });
  });

  it("counts each approver once", () => {
    const decision = decideChangeRequest(state({ approvals: [{ approverId: alice.userId, decision: "approved" }] }), { type: "approve" }, alice, now);
    expect(decision).toMatchObject({ outcome: "refuse", status: 409, rule: "already-decided" });
  });

  it("lets any other approver reject with a reason", () => {
    expect(decideChangeRequest(state(), { type: "reject", reason: "too risky" }, bob, now)).toEqual({ outcome: "reject", sentence: "bob@example.com rejected the request: too risky" });
  });

  it("refuses anything after the deadline", () => {
    const expired = state({ expiresAt: now });
    expect(effectiveStatus(expired, now)).toBe("expired");
    expect(effectiveStatus(expired, new Date(now.getTime() - 1))).toBe("open");
    for (const action of [{ type: "approve" as const }, { type: "reject" as const, reason: "late" }]) {
      expect(decideChangeRequest(expired, action, alice, now)).toMatchObject({ outcome: "refuse", status: 409, rule: "expired" });
    }
  });

  it("refuses decisions on requests that are no longer open", () => {
    for (const status of ["applied", "rejected", "withdrawn"] as const) {
      expect(decideChangeRequest(state({ status }), { type: "approve" }, alice, now)).toEqual({
        outcome: "refuse",
        status: 409,
        rule: "not-open",
        sentence: `the request is ${status}; only an open request can be decided`,
      });
    }
  });

  it("refuses to approve over a newer version: rebase needed", () => {
    expect(decideChangeRequest(state({ currentVersion: 4 }), { type: "approve" }, alice, now)).toEqual({
      outcome: "refuse",
      status: 409,
      rule: "stale-base",
      sentence: "rebase needed: the request was written against version 3, but version 4 is in force now",
    });
  });

  it("still lets an approver reject a stale request", () => {
    expect(decideChangeRequest(state({ currentVersion: 4 }), { type: "reject", reason: "outdated" }, alice, now).outcome).toBe("reject");
  });

  it("lets only the requester rebase, only when stale, dropping the approvals so far", () => {
    const stale = state({ currentVersion: 4, approvals: [{ approverId: alice.userId, decision: "approved" }] });
    expect(decideChangeRequest(stale, { type: "rebase" }, requester, now)).toEqual({
      outcome: "rebase",
      sentence: "admin@example.com rebased the request from version 3 onto version 4; 1 approval dropped",
    });
    expect(decideChangeRequest(stale, { type: "rebase" }, alice, now)).toMatchObject({ outcome: "refuse", status: 403, rule: "not-requester" });
    expect(decideChangeRequest(state(), { type: "rebase" }, requester, now)).toMatchObject({ outcome: "refuse", status: 409, rule: "not-stale" });
  });
});
