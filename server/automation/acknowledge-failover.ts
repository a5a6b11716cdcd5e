import "server-only";
import type { AutomationAcknowledgementView } from "@/contracts/automation";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { NotFoundError } from "../errors";

/**
 * A person has looked at the service since its last failover: automatic
 * failover may act again without waiting out the cooldown. The last failover is
 * dated as `automationControls` dates it, by the newest `service.epoch` event;
 * `at` comes from this process's clock, the one that dated that event.
 */
export async function acknowledgeFailover(actor: UserActor, serviceId: string, note: string): Promise<AutomationAcknowledgementView> {
  return db().$transaction(async (tx) => {
    if (!(await tx.service.findUnique({ where: { id: serviceId }, select: { id: true } }))) throw new NotFoundError(`No service with id ${serviceId}.`);
    const failover = await tx.auditEvent.findFirst({ where: { action: "service.epoch", serviceId }, orderBy: { seq: "desc" }, select: { at: true, seq: true } });
    const acknowledgement = await tx.automationAcknowledgement.create({ data: { serviceId, note, by: actor.email, at: new Date() } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "automation.acknowledge",
      target: { type: "service", id: serviceId },
      serviceId,
      reason: note,
      details: { lastFailoverAt: failover?.at.toISOString() ?? null, failoverEventSeq: failover ? Number(failover.seq) : null },
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
