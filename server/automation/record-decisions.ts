import "server-only";
import type { Decision } from "@/core/automation/decide";
import type { DecisionChanges, HeldDecision } from "@/core/automation/decision-changes";
import { recordSnapshot } from "@/core/automation/recorded-snapshot";
import type { AutomationSnapshot } from "@/core/automation/snapshot";
import { appendAuditEvents } from "../audit/append-audit-event";
import { db } from "../db/client";
import { sqlPool } from "../db/sql-pool";
import { Prisma } from "../db/generated/client";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";

export const AUTOMATION_ACTOR = { type: "automation" as const, id: null, label: "automation" };

/** Decisions worth a line in the audit trail when they start: the ones that act, and the ones that hold a failover back. */
const AUDITED = new Set(["fail-over", "open-guided-runbook", "fence", "blocked"]);

/** What one service's pass writes: its decisions' changes, and the snapshot they were decided on (which names the service and the policy version). */
export interface ServiceDecisionChanges {
  changes: DecisionChanges;
  snapshot: AutomationSnapshot;
}

/** Every stored decision, by service, in one statement (its times as milliseconds since the epoch, cheaper to read by the thousand). */
export async function storedDecisions(): Promise<Map<string, HeldDecision[]>> {
  const { rows } = await sqlPool().query<{ serviceId: string; ruleId: string; subject: string; since: number; actedAt: number | null }>({
    name: "automation-stored-decisions",
    text: `SELECT "serviceId", "ruleId", subject, (extract(epoch FROM since) * 1000)::float8 AS since, (extract(epoch FROM "actedAt") * 1000)::float8 AS "actedAt" FROM "AutomationDecision"`,
  });
  const byService = new Map<string, HeldDecision[]>();
  for (const { serviceId, ruleId, subject, since, actedAt } of rows) {
    const row = { ruleId, subject, since: new Date(since), actedAt: actedAt === null ? null : new Date(actedAt) };
    const held = byService.get(serviceId);
    if (held) held.push(row);
    else byService.set(serviceId, [row]);
  }
  return byService;
}

/**
 * Writes several services' decision changes in one transaction under the
 * decider's lease, in a fixed number of statements, the audit events of the
 * decisions that start and act or hold a failover back among them.
 */
export async function writeDecisionChanges(batch: readonly ServiceDecisionChanges[], lease: HeldLease, now: Date): Promise<void> {
  const ended = batch.flatMap(({ snapshot, changes }) => changes.ended.map((row) => ({ serviceId: snapshot.serviceId, ...row })));
  const started = batch.flatMap(({ changes, snapshot }) => changes.started.map((decision) => ({ serviceId: snapshot.serviceId, decision, snapshot })));
  if (!ended.length && !started.length) return;
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    if (ended.length) {
      await tx.$executeRaw`
        DELETE FROM "AutomationDecision"
         WHERE ("serviceId", "ruleId", subject) IN (SELECT * FROM unnest(${ended.map((row) => row.serviceId)}::text[], ${ended.map((row) => row.ruleId)}::text[], ${ended.map((row) => row.subject)}::text[]))`;
    }
    if (!started.length) return;
    await tx.automationDecision.createMany({
      data: started.map(({ serviceId, decision }) => ({
        serviceId,
        ruleId: decision.ruleId,
        subject: decision.subject ?? "",
        diagnosis: decision.diagnosis,
        action: decision.action as Prisma.InputJsonValue,
        sentence: decision.sentence,
        since: now,
      })),
    });
    const audited = started.filter(({ decision }) => AUDITED.has(decision.action.kind));
    if (audited.length) await appendAuditEvents(tx, audited.map((row) => decisionEvent(row, now)));
  });
}

/**
 * A decision's audit event carries the snapshot it was decided on and the
 * moment it was judged at, so that it can be replayed (replayDecision) and
 * shown to give the same rule and sentence.
 */
function decisionEvent({ decision, snapshot }: { decision: Decision; snapshot: AutomationSnapshot }, now: Date) {
  const { serviceId } = snapshot;
  return {
    actor: AUTOMATION_ACTOR,
    action: "automation.decide" as const,
    target: { type: "service", id: serviceId },
    serviceId,
    policyVersionId: snapshot.policy.versionId,
    outcome: decision.action.kind === "blocked" ? ("failure" as const) : ("success" as const),
    reason: decision.sentence,
    details: {
      rule: decision.ruleId,
      diagnosis: decision.diagnosis,
      subject: decision.subject,
      action: decision.action,
      decidedAt: now.toISOString(),
      snapshot: recordSnapshot(snapshot),
    },
  };
}
