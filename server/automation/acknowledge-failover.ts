import "server-only";
import type { AutomationAcknowledgementView } from "@/contracts/automation";
import { cooldownStart } from "@/core/automation/controls";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { effectivePolicies } from "../policy/effective-policy";
import { lastPromotions } from "../automation-snapshot/automation-controls";
import { liveServiceOrThrow } from "../retired-guards";

/**
 * A person has looked at the service since its last failover: automatic
 * failover may act again without waiting out the cooldown. The failover is
 * the promotion the cooldown runs from, found as `automationControls` finds
 * it; `at` comes from this process's clock, the one that dated that event.
 */
export async function acknowledgeFailover(actor: UserActor, serviceId: string, note: string): Promise<AutomationAcknowledgementView> {
  return db().$transaction(async (tx) => {
    await liveServiceOrThrow(tx, serviceId, "there is no automation of it left to acknowledge");
    const [promotions, policies] = await Promise.all([lastPromotions([serviceId]), effectivePolicies([serviceId])]);
    const failover = cooldownStart(promotions.get(serviceId) ?? { planned: null, unplanned: null }, { cooldownAfterSwitchover: policies.get(serviceId)?.document.failover.cooldownAfterSwitchover ?? false });
    const acknowledgement = await tx.automationAcknowledgement.create({ data: { serviceId, note, by: actor.email, at: new Date() } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "automation.acknowledge",
      target: { type: "service", id: serviceId },
      serviceId,
      reason: note,
      details: { lastFailoverAt: failover?.at.toISOString() ?? null, failoverEventSeq: failover ? Number(failover.seq) : null, promotion: failover?.promotion ?? null },
    });
    return {
      id: acknowledgement.id,
      serviceId,
      note,
      by: actor.email,
      at: acknowledgement.at.toISOString(),
      lastFailoverAt: failover?.at.toISOString() ?? null,
    };
  });
}
