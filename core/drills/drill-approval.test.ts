import { describe, expect, it } from "vitest";
import { APPROVAL_REQUIREMENT_RULES, approvalDecision, approvalNeeded, DRILL_APPROVAL_RULES, type ApprovalFacts } from "./drill-approval";

const now = new Date("2026-12-07T09:00:00Z");
const pending: ApprovalFacts = {
  decision: "approve",
  status: "pending",
  expiresAt: new Date("2026-12-07T13:00:00Z"),
  requesterId: "alice",
  deciderId: "bob",
  notSecondPerson: null,
};

describe("the drill approval tables", () => {
  it("declare each rule once with one sentence, every outcome reachable", () => {
    const ids = [...DRILL_APPROVAL_RULES, ...APPROVAL_REQUIREMENT_RULES].map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of [...DRILL_APPROVAL_RULES, ...APPROVAL_REQUIREMENT_RULES]) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(new Set(DRILL_APPROVAL_RULES.map((rule) => rule.outcome))).toEqual(new Set(["conflict", "forbidden", "wait", "approved", "rejected", "expired"]));
  });
});

describe("approvalNeeded", () => {
  const policy = { serviceId: "orders-db", requireApproval: false, approvalExpiresAfterMinutes: 240 };

  it("is null when no service in scope requires approval", () => {
    expect(approvalNeeded([], now)).toBeNull();
    expect(approvalNeeded([policy, { ...policy, serviceId: "billing-db" }], now)).toBeNull();
  });

  it("names the services that require it and expires after the shortest of their times", () => {
    const needed = approvalNeeded(
      [
        { ...policy, requireApproval: true, approvalExpiresAfterMinutes: 240 },
        { ...policy, serviceId: "billing-db", requireApproval: true, approvalExpiresAfterMinutes: 30 },
        { ...policy, serviceId: "staging-db", approvalExpiresAfterMinutes: 5 },
      ],
      now,
    );
    expect(needed).toEqual({ services: ["orders-db", "billing-db"], expiresAt: new Date("2026-12-07T09:30:00Z") });
  });
});

describe("approvalDecision", () => {
  const decide = (facts: Partial<ApprovalFacts>, at = now) => approvalDecision({ ...pending, ...facts }, at).id;

  it("approves from a second person, and rejects from anyone who may decide", () => {
    expect(decide({})).toBe("drill-approved");
    expect(decide({ decision: "reject" })).toBe("drill-rejected");
    expect(approvalDecision(pending, now).outcome).toBe("approved");
  });

  it("refuses the requester's own approval, yet lets them withdraw it by rejecting", () => {
    expect(decide({ deciderId: "alice" })).toBe("requester-cannot-approve");
    expect(approvalDecision({ ...pending, deciderId: "alice" }, now).outcome).toBe("forbidden");
    expect(decide({ deciderId: "alice", decision: "reject" })).toBe("drill-rejected");
  });

  it("refuses an approver who is no second person for the requester", () => {
    expect(decide({ notSecondPerson: "bob still signs in with the password alice chose" })).toBe("approver-not-second-person");
    expect(decide({ notSecondPerson: "cool-off", decision: "reject" })).toBe("drill-rejected");
  });

  it("lets a drill whose requester's account is gone be approved by anyone who may", () => {
    expect(decide({ requesterId: null })).toBe("drill-approved");
  });

  it("decides once: a decided approval is a conflict, whatever is asked", () => {
    for (const status of ["approved", "rejected", "expired"] as const) {
      for (const decision of ["approve", "reject", "expire"] as const) expect(decide({ status, decision })).toBe("approval-already-decided");
    }
  });

  it("expires at its time, not before, and refuses a decision after it", () => {
    expect(decide({ decision: "expire" })).toBe("approval-still-open");
    expect(decide({ decision: "expire" }, new Date("2026-12-07T12:59:59.999Z"))).toBe("approval-still-open");
    expect(decide({ decision: "expire" }, pending.expiresAt)).toBe("approval-expires");
    expect(decide({}, pending.expiresAt)).toBe("approval-too-late");
    expect(decide({ decision: "reject" }, pending.expiresAt)).toBe("approval-too-late");
    expect(decide({ deciderId: "alice" }, pending.expiresAt)).toBe("approval-too-late");
  });
});
