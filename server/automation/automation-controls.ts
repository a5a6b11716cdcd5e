import "server-only";
import { type AutomationControls } from "@/core/automation/snapshot";
import { governingPause } from "@/core/automation/pauses";
import { type Promotion, promotionOf } from "@/core/automation/promotion";
import { db } from "../db/client";

/** A service's newest promotion of each kind: its `service.epoch` audit event. */
export type LastPromotions = Record<Promotion, { at: Date; seq: bigint } | null>;

/**
 * The newest promotion of each kind per service, in one query. A promotion is
 * the newest `service.epoch` audit event: the run engine records one, in the
 * same transaction, whenever a runbook promotes a new primary, with whether
 * the runbook planned it, so it cannot disagree with the epoch itself (a run's
 * status can end `succeeded` after the promotion step, or fail after it, and
 * would date the promotion wrongly). The query only groups by what the event
 * stored; `promotionOf` alone says what that means.
 */
export async function lastPromotions(serviceIds: readonly string[]): Promise<Map<string, LastPromotions>> {
  const rows = await db().$queryRaw<{ serviceId: string; at: Date; seq: bigint; declared: unknown }[]>`
    SELECT DISTINCT ON ("serviceId", details->'promotion') "serviceId", at, seq, details->'promotion' AS declared
    FROM "AuditEvent" WHERE action = 'service.epoch' AND "serviceId" = ANY(${serviceIds})
    ORDER BY "serviceId", details->'promotion', seq DESC`;
  const byService = new Map<string, LastPromotions>(serviceIds.map((serviceId) => [serviceId, { planned: null, unplanned: null }]));
  for (const row of rows) {
    const promotions = byService.get(row.serviceId)!;
    const kind = promotionOf({ promotion: row.declared });
    if (!promotions[kind] || promotions[kind].seq < row.seq) promotions[kind] = { at: row.at, seq: row.seq };
  }
  return byService;
}

/** The stored brakes on each service's automation, read in three queries whatever the number of services. */
export async function automationControls(serviceIds: readonly string[], now: Date): Promise<Map<string, AutomationControls>> {
  const [pauses, promotions, acknowledgements] = await Promise.all([
    db().automationPause.findMany({
      where: { endedAt: null, expiresAt: { gt: now }, OR: [{ scope: "global" }, { serviceId: { in: [...serviceIds] } }] },
      select: { serviceId: true, reason: true, expiresAt: true, endedAt: true },
    }),
    lastPromotions(serviceIds),
    db().automationAcknowledgement.findMany({ where: { serviceId: { in: [...serviceIds] } }, orderBy: { at: "desc" }, distinct: ["serviceId"], select: { serviceId: true, at: true } }),
  ]);
  const acknowledged = new Map(acknowledgements.map((acknowledgement) => [acknowledgement.serviceId, acknowledgement.at]));
  return new Map(
    serviceIds.map((serviceId) => {
      const pause = governingPause(
        pauses.filter((candidate) => candidate.serviceId === null || candidate.serviceId === serviceId),
        now,
      );
      return [
        serviceId,
        {
          paused: pause ? { reason: pause.reason, until: pause.expiresAt } : null,
          lastPromotions: promotions.get(serviceId) ?? { planned: null, unplanned: null },
          acknowledgedAt: acknowledged.get(serviceId) ?? null,
        },
      ];
    }),
  );
}
