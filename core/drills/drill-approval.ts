/**
 * When a drill waits for a second person, and what an approval, a rejection
 * or the passing of time does to one that waits: pure decisions, each row
 * with a stable id and its sentence (stored on the audit event).
 */

/** What a service's policy says of its drills (contracts/policy.ts `drills`). */
export interface DrillApprovalPolicy {
  serviceId: string;
  requireApproval: boolean;
  approvalExpiresAfterMinutes: number;
}

/** A drill, or a plan drill as a whole, that must wait: the services that require it and when it expires unapproved. */
export interface ApprovalNeeded {
  services: string[];
  expiresAt: Date;
}

export const APPROVAL_REQUIREMENT_RULES = [
  {
    id: "drill-needs-approval",
    sentence:
      "A service in the drill's scope (its service, or any service of a plan drill) requires approval of its drills: nothing starts until a second person approves, and it expires unapproved after the shortest approval time those services' policies state.",
  },
  { id: "drill-starts-without-approval", sentence: "No service in the drill's scope requires approval of its drills: it starts as it is asked." },
] as const;

/** Null when no service in scope requires approval; else who requires it and when the wait ends. */
export function approvalNeeded(scope: readonly DrillApprovalPolicy[], now: Date): ApprovalNeeded | null {
  const requiring = scope.filter((service) => service.requireApproval);
  if (!requiring.length) return null;
  const minutes = Math.min(...requiring.map((service) => service.approvalExpiresAfterMinutes));
  return { services: requiring.map((service) => service.serviceId), expiresAt: new Date(now.getTime() + minutes * 60_000) };
}

export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired";
export type ApprovalDecision = "approve" | "reject" | "expire";

export interface ApprovalFacts {
  decision: ApprovalDecision;
  status: ApprovalStatus;
  expiresAt: Date;
  /** Who asked: the person who started the drill or plan, or the creator of the drill's schedule; null when that account is gone. */
  requesterId: string | null;
  /** The person deciding; null for the expiry, which the control plane decides. */
  deciderId: string | null;
  /** Why the decider is no second person for the requester (core/access/second-person.ts), or null. */
  notSecondPerson: string | null;
}

/** What a row does: a refusal (answered 409 or 403, nothing written), nothing yet, or the approval's new status. */
export type ApprovalOutcome = "conflict" | "forbidden" | "wait" | "approved" | "rejected" | "expired";

export interface ApprovalRule {
  id: string;
  outcome: ApprovalOutcome;
  when(facts: ApprovalFacts, now: Date): boolean;
  sentence: string;
}

const expired = (facts: ApprovalFacts, now: Date) => now.getTime() >= facts.expiresAt.getTime();

/** The first row that matches decides. */
export const DRILL_APPROVAL_RULES: readonly ApprovalRule[] = [
  {
    id: "approval-already-decided",
    outcome: "conflict",
    when: (facts) => facts.status !== "pending",
    sentence: "The drill's approval was already decided (approved, rejected or expired): it is decided once.",
  },
  {
    id: "approval-expires",
    outcome: "expired",
    when: (facts, now) => facts.decision === "expire" && expired(facts, now),
    sentence: "No one approved the drill in time: it expires, and nothing of it starts.",
  },
  { id: "approval-still-open", outcome: "wait", when: (facts) => facts.decision === "expire", sentence: "The drill waits for its approval until it expires." },
  {
    id: "approval-too-late",
    outcome: "conflict",
    when: (facts, now) => expired(facts, now),
    sentence: "The drill's approval expired: it can no longer be approved or rejected, and nothing of it started.",
  },
  {
    id: "requester-cannot-approve",
    outcome: "forbidden",
    when: (facts) => facts.decision === "approve" && facts.deciderId !== null && facts.deciderId === facts.requesterId,
    sentence: "The person who asked for the drill (who started it or its plan, or created its schedule) cannot approve it: a second person must.",
  },
  {
    id: "approver-not-second-person",
    outcome: "forbidden",
    when: (facts) => facts.decision === "approve" && facts.notSecondPerson !== null,
    sentence: "The approver's account is no second person for the requester (they chose its password, or created, promoted or reset it within the cool-off): another approver must.",
  },
  { id: "drill-approved", outcome: "approved", when: (facts) => facts.decision === "approve", sentence: "A second person approved the drill: its run starts (a plan drill's children start as the plan orders)." },
  { id: "drill-rejected", outcome: "rejected", when: () => true, sentence: "An approver rejected the drill, with a note: it ends, and nothing of it starts." },
];

export type ApprovalRuleId = (typeof DRILL_APPROVAL_RULES)[number]["id"];

export function approvalDecision(facts: ApprovalFacts, now: Date): ApprovalRule {
  return DRILL_APPROVAL_RULES.find((rule) => rule.when(facts, now))!;
}
