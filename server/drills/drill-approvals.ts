import "server-only";
import { approvalDecision, approvalNeeded, type ApprovalDecision, type ApprovalNeeded } from "@/core/drills/drill-approval";
import { planControlTransition } from "@/core/plans/plan-machine";
import type { DrillApprovalView } from "@/contracts/drills";
import { DEFAULT_DRILL_APPROVAL_MINUTES } from "@/contracts/policy";
import { secondPersonRefusalFor } from "../accounts/second-person";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { DrillApproval } from "../db/generated/client";
import { wakeRunExecutor } from "../db/run-executor-channel";
import type { Tx } from "../db/transaction";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { effectivePolicies } from "../policy/effective-policy";

/** What waits: one drill, or a plan drill as a whole. */
export type ApprovalSubject = { kind: "drill"; id: string } | { kind: "plan"; id: string };

const EXPIRY_ACTOR: AuditActor = { type: "automation", id: null, label: "drill approvals" };
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Whether a drill over these services must wait for a second person, from each one's policy in force now. */
export async function approvalNeededFor(serviceIds: readonly string[], now: Date): Promise<ApprovalNeeded | null> {
  const policies = await effectivePolicies(serviceIds);
  return approvalNeeded(
    serviceIds.map((serviceId) => {
      const rule = policies.get(serviceId)?.document.drills;
      return { serviceId, requireApproval: rule?.requireApproval ?? false, approvalExpiresAfterMinutes: rule?.approvalExpiresAfterMinutes ?? DEFAULT_DRILL_APPROVAL_MINUTES };
    }),
    now,
  );
}

/** The approval row a waiting drill or plan drill holds, in the transaction that creates it. */
export async function requestApproval(tx: Tx, subject: ApprovalSubject, requesterId: string | null, needed: ApprovalNeeded): Promise<void> {
  await tx.drillApproval.create({
    data: { ...(subject.kind === "drill" ? { drillId: subject.id } : { planId: subject.id }), requesterId, services: needed.services, expiresAt: needed.expiresAt },
  });
}

export async function approvalViewOf(approval: DrillApproval | null): Promise<DrillApprovalView | null> {
  if (!approval) return null;
  const ids = [approval.requesterId, approval.decidedById].filter((id): id is string => id !== null);
  const users = new Map((await db().user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((user) => [user.id, user.email]));
  const emailOf = (id: string | null) => (id ? (users.get(id) ?? id) : null);
  return {
    status: approval.status,
    services: approval.services,
    requestedBy: emailOf(approval.requesterId),
    expiresAt: approval.expiresAt.toISOString(),
    decidedBy: emailOf(approval.decidedById),
    decidedAt: iso(approval.decidedAt),
    note: approval.note,
  };
}

/** The subject's side of a decided approval: a drill starts (the drill loop runs it) or ends; a plan drill runs, waits for its time, or ends. */
async function moveSubject(tx: Tx, approval: DrillApproval, decision: ApprovalDecision, actor: AuditActor, by: string, note: string | null, rule: { id: string; sentence: string }, now: Date) {
  const approved = decision === "approve";
  const ended = decision === "reject" ? `rejected by ${by}: ${note}` : `not approved by ${approval.expiresAt.toISOString()}: it expired`;
  if (approval.drillId) {
    const drill = await tx.drill.findUniqueOrThrow({ where: { id: approval.drillId } });
    const status = approved ? "starting" : decision === "reject" ? "rejected" : "expired";
    const changed = await tx.drill.updateMany({ where: { id: drill.id, status: "awaiting_approval" }, data: approved ? { status } : { status, error: `The drill was ${ended}; nothing started.`, finishedAt: now } });
    if (changed.count === 0) {
      // An expiry finds nothing left to end quietly; a person is told.
      if (decision === "expire") return;
      throw new ConflictError(`Drill ${drill.id} is no longer awaiting approval (it is ${drill.status}).`);
    }
    await appendAuditEvent(tx, {
      actor,
      action: `drill.${decision}`,
      target: { type: "drill", id: drill.id },
      serviceId: drill.serviceId,
      outcome: approved ? "success" : "failure",
      reason: note,
      before: { status: "awaiting_approval" },
      after: { status },
      details: { rule: rule.id, sentence: rule.sentence, services: approval.services },
    });
    return;
  }
  const plan = await tx.plan.findUniqueOrThrow({ where: { id: approval.planId! } });
  // A scheduled plan drill goes to its schedule, whose re-checks (its time, its window, every service still able to move) decide when it starts.
  const row = planControlTransition(approved ? (plan.scheduledAt ? "approve-scheduled" : "approve") : decision, plan.status);
  if (!row) {
    // A plan drill cancelled while it waited: its approval just lapses.
    if (decision === "expire") return;
    throw new ConflictError(`Plan ${plan.id} is no longer awaiting approval (it is ${plan.status}).`);
  }
  const ends = row.to === "cancelled";
  const changed = await tx.plan.updateMany({
    where: { id: plan.id, status: plan.status },
    data: { status: row.to, ...(row.to === "running" ? { startedAt: now } : {}), ...(ends ? { finishedAt: now, error: `The plan drill was ${ended}; no service moved.` } : {}) },
  });
  if (changed.count === 0) throw new ConflictError(`Plan ${plan.id} changed meanwhile; look again and retry.`);
  if (ends) await tx.planService.updateMany({ where: { planId: plan.id, state: "pending" }, data: { state: "cancelled", rule: row.id, note: note ?? "its approval expired", finishedAt: now } });
  await appendAuditEvent(tx, {
    actor,
    action: `plan.${decision}`,
    target: { type: "plan", id: plan.id },
    outcome: approved ? "success" : "failure",
    reason: note,
    before: { status: plan.status },
    after: { status: row.to },
    details: { rule: rule.id, sentence: rule.sentence, plan: row.id, services: approval.services },
  });
  await wakeRunExecutor(tx, plan.id);
}

/**
 * A person approves or rejects a waiting drill or plan drill, with a note:
 * core/drills/drill-approval.ts decides (decided once, not after it expired,
 * never the requester's own approval, only from a second person); the
 * approval, the subject and the audit event are written together or not
 * at all. The operation's permission (runs:approve on the service, or the
 * fleet for a plan) is checked before this.
 */
export async function decideDrillApproval(actor: UserActor, subject: ApprovalSubject, decision: "approve" | "reject", note: string): Promise<void> {
  const now = new Date();
  await db().$transaction(async (tx) => {
    const approval = await tx.drillApproval.findUnique({ where: subject.kind === "drill" ? { drillId: subject.id } : { planId: subject.id } });
    if (!approval) {
      const exists = subject.kind === "drill" ? await tx.drill.count({ where: { id: subject.id } }) : await tx.plan.count({ where: { id: subject.id, drillSwitchBack: { not: null } } });
      if (!exists) throw new NotFoundError(subject.kind === "drill" ? `No drill with id ${subject.id}.` : `No plan drill with id ${subject.id}.`);
      throw new ConflictError(`The ${subject.kind === "drill" ? "drill" : "plan drill"} ${subject.id} needs no approval: no service in its scope required one when it was asked for.`);
    }
    const notSecondPerson = decision === "approve" ? await secondPersonRefusalFor(tx, actor, approval.requesterId, now) : null;
    const rule = approvalDecision({ decision, status: approval.status, expiresAt: approval.expiresAt, requesterId: approval.requesterId, deciderId: actor.userId, notSecondPerson }, now);
    if (rule.outcome === "conflict") throw new ConflictError(`${rule.sentence} (${rule.id}; it is ${approval.status}, expiring ${approval.expiresAt.toISOString()})`);
    if (rule.outcome === "forbidden") throw new ForbiddenError(`Refused (${rule.id}): ${rule.sentence}${notSecondPerson ? ` ${notSecondPerson}.` : ""}`);
    const status = rule.outcome === "approved" ? "approved" : "rejected";
    const changed = await tx.drillApproval.updateMany({ where: { id: approval.id, status: "pending" }, data: { status, decidedById: actor.userId, decidedAt: now, note } });
    if (changed.count === 0) throw new ConflictError("The approval was decided meanwhile; look again.");
    await moveSubject(tx, approval, decision, auditActorOf(actor), actor.email, note, rule, now);
  });
}

/** Approvals no one gave in time: each expires with its drill or plan drill, under the drill loop's lease. */
export async function expireApprovals(lease: HeldLease, now: Date): Promise<number> {
  const due = await db().drillApproval.findMany({ where: { status: "pending", expiresAt: { lte: now } } });
  for (const approval of due) {
    const rule = approvalDecision({ decision: "expire", status: approval.status, expiresAt: approval.expiresAt, requesterId: approval.requesterId, deciderId: null, notSecondPerson: null }, now);
    if (rule.outcome !== "expired") continue;
    await db().$transaction(async (tx) => {
      await assertLeaseHeld(tx, lease);
      const changed = await tx.drillApproval.updateMany({ where: { id: approval.id, status: "pending" }, data: { status: "expired", decidedAt: now } });
      if (changed.count === 0) return;
      await moveSubject(tx, approval, "expire", EXPIRY_ACTOR, "no one", null, rule, now);
    });
  }
  return due.length;
}
