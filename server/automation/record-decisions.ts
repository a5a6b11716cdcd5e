import "server-only";
import type { Decision } from "@/core/automation/decide";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";

export const AUTOMATION_ACTOR = { type: "automation" as const, id: null, label: "automation" };

/** A decision as the decider keeps it: held while its rule keeps matching the same subject. */
export interface HeldDecision {
  ruleId: string;
  subject: string;
  since: Date;
  actedAt: Date | null;
}

export const decisionKey = (decision: { ruleId: string; subject: string | null }) => `${decision.ruleId}:${decision.subject ?? ""}`;

/** Decisions worth a line in the audit trail when they start: the ones that act, and the ones that hold a failover back. */
const AUDITED = new Set(["fail-over", "open-guided-runbook", "fence", "blocked"]);

/**
 * Keeps the service's stored decisions equal to what the rules decide now,
 * under the decider's lease: a decision that starts is stored (and audited
 * when it acts or holds a failover back), one that stops is removed, one that
 * holds keeps its `since` and whether it was acted on — so each decision is
 * carried out once however many ticks it lasts. Returns them as stored.
 */
export async function recordDecisions(serviceId: string, decisions: readonly Decision[], policyVersionId: string | null, lease: HeldLease, now: Date): Promise<Map<string, HeldDecision>> {
  return db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    const stored = await tx.automationDecision.findMany({ where: { serviceId } });
    const current = new Map(decisions.map((decision) => [decisionKey(decision), decision]));
    const ended = stored.filter((row) => !current.has(decisionKey(row)));
    if (ended.length) await tx.automationDecision.deleteMany({ where: { serviceId, OR: ended.map((row) => ({ ruleId: row.ruleId, subject: row.subject })) } });
    const held = new Map<string, HeldDecision>();
    for (const decision of decisions) {
      const subject = decision.subject ?? "";
      const previous = stored.find((row) => decisionKey(row) === decisionKey(decision));
      if (previous) {
        held.set(decisionKey(decision), { ruleId: previous.ruleId, subject, since: previous.since, actedAt: previous.actedAt });
        continue;
      }
      await tx.automationDecision.create({
        data: { serviceId, ruleId: decision.ruleId, subject, diagnosis: decision.diagnosis, action: decision.action as Prisma.InputJsonValue, sentence: decision.sentence, since: now },
      });
      held.set(decisionKey(decision), { ruleId: decision.ruleId, subject, since: now, actedAt: null });
      if (!AUDITED.has(decision.action.kind)) continue;
      await appendAuditEvent(tx, {
        actor: AUTOMATION_ACTOR,
        action: "automation.decide",
        target: { type: "service", id: serviceId },
        serviceId,
        policyVersionId,
        outcome: decision.action.kind === "blocked" ? "failure" : "success",
        reason: decision.sentence,
        details: { rule: decision.ruleId, diagnosis: decision.diagnosis, subject: decision.subject, action: decision.action },
      });
    }
    return held;
  });
}
