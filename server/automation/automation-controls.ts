import "server-only";
import { type AutomationControls } from "@/core/automation/snapshot";
import { governingPause } from "@/core/automation/pauses";
import { db } from "../db/client";

/**
 * The stored brakes on each service's automation, read in three queries
 * whatever the number of services.
 *
 * The last failover is the newest `service.epoch` audit event: the run engine
 * records one, in the same transaction, whenever a runbook promotes a new
 * primary, so it covers failovers and switchovers alike and cannot disagree
 * with the epoch itself (a run's status can end `succeeded` after the promotion
 * step, or fail after it, and would date the failover wrongly).
 */
export async function automationControls(cooldownSecondsByService: ReadonlyMap<string, number>, now: Date): Promise<Map<string, AutomationControls>> {
  const serviceIds = [...cooldownSecondsByService.keys()];
  const [pauses, failovers, acknowledgements] = await Promise.all([
    db().automationPause.findMany({
      where: { endedAt: null, expiresAt: { gt: now }, OR: [{ scope: "global" }, { serviceId: { in: serviceIds } }] },
      select: { serviceId: true, reason: true, expiresAt: true, endedAt: true },
    }),
    db().auditEvent.findMany({
      where: { action: "service.epoch", serviceId: { in: serviceIds } },
      orderBy: { seq: "desc" },
      distinct: ["serviceId"],
      select: { serviceId: true, at: true },
    }),
    db().automationAcknowledgement.findMany({ where: { serviceId: { in: serviceIds } }, orderBy: { at: "desc" }, distinct: ["serviceId"], select: { serviceId: true, at: true } }),
  ]);
  const lastFailover = new Map(failovers.map((event) => [event.serviceId, event.at]));
  const acknowledged = new Map(acknowledgements.map((acknowledgement) => [acknowledgement.serviceId, acknowledgement.at]));
  return new Map(
    serviceIds.map((serviceId) => {
      const pause = governingPause(
        pauses.filter((candidate) => candidate.serviceId === null || candidate.serviceId === serviceId),
        now,
      );
      const lastFailoverAt = lastFailover.get(serviceId) ?? null;
      const cooldownSeconds = cooldownSecondsByService.get(serviceId) ?? 0;
      return [
        serviceId,
        {
          paused: pause ? { reason: pause.reason, until: pause.expiresAt } : null,
          cooldownUntil: lastFailoverAt ? new Date(lastFailoverAt.getTime() + cooldownSeconds * 1000) : null,
          lastFailoverAt,
          acknowledgedAt: acknowledged.get(serviceId) ?? null,
        },
      ];
    }),
  );
}
