import "server-only";
import type { AlertView } from "@/contracts/alerts";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { mutingNow } from "./alert-muting";
import { alertView } from "./alert-view";

/** Someone is on it: recorded on the alert and in the audit trail together. */
export async function acknowledgeAlert(actor: UserActor, alertId: string, note: string): Promise<AlertView> {
  const updated = await db().$transaction(async (tx) => {
    const [alert] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Alert" WHERE id = ${alertId} FOR UPDATE`;
    if (!alert) throw new NotFoundError(`No alert with id ${alertId}.`);
    const current = await tx.alert.findUniqueOrThrow({ where: { id: alertId } });
    if (current.state === "resolved") throw new ConflictError(`Alert ${alertId} resolved at ${current.resolvedAt?.toISOString()}; there is nothing to acknowledge.`);
    if (current.acknowledgedAt) throw new ConflictError(`Alert ${alertId} was already acknowledged by ${current.acknowledgedBy} at ${current.acknowledgedAt.toISOString()}.`);
    const updated = await tx.alert.update({ where: { id: alertId }, data: { acknowledgedAt: new Date(), acknowledgedBy: actor.email, acknowledgeNote: note } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "alert.acknowledge",
      target: { type: "alert", id: alertId },
      serviceId: current.serviceId,
      reason: note,
      details: { rule: current.ruleId, subject: current.subjectLabel, state: current.state, sentence: current.sentence },
    });
    return updated;
  });
  return alertView(updated, (await mutingNow()).of(updated));
}
