import "server-only";
import { type AutomationControls } from "@/core/automation/snapshot";
import { governingPause } from "@/core/automation/pauses";
import { type Promotion, promotionOf } from "@/core/automation/promotion";
import { db } from "../db/client";
import { sqlPool } from "../db/sql-pool";

/** A service's newest promotion of each kind: its `service.epoch` audit event. */
export type LastPromotions = Record<Promotion, { at: Date; seq: bigint } | null>;

/** Which services: every one (null), or the ones named. */
type Scope = readonly string[] | null;

const NO_PROMOTIONS: LastPromotions = { planned: null, unplanned: null };

/**
 * The newest promotion of each kind per service, in one query. A promotion is
 * the newest `service.epoch` audit event: the run engine records one, in the
 * same transaction, whenever a runbook promotes a new primary, with whether
 * the runbook planned it, so it cannot disagree with the epoch itself (a run's
 * status can end `succeeded` after the promotion step, or fail after it, and
 * would date the promotion wrongly). The query only groups by what the event
 * stored; `promotionOf` alone says what that means. A service never promoted
 * has no entry.
 */
export async function lastPromotions(scope: Scope): Promise<Map<string, LastPromotions>> {
  const { rows } = await sqlPool().query<{ serviceId: string; at: Date; seq: string; declared: unknown }>({
    name: "automation-last-promotions",
    text: `
      SELECT DISTINCT ON ("serviceId", details->'promotion') "serviceId", at, seq::text AS seq, details->'promotion' AS declared
        FROM "AuditEvent" WHERE action = 'service.epoch' AND ($1::text[] IS NULL OR "serviceId" = ANY($1))
       ORDER BY "serviceId", details->'promotion', seq DESC`,
    values: [scope],
  });
  const byService = new Map<string, LastPromotions>();
  for (const row of rows) {
    const promotions = byService.get(row.serviceId) ?? { ...NO_PROMOTIONS };
    byService.set(row.serviceId, promotions);
    const kind = promotionOf({ promotion: row.declared });
    const seq = BigInt(row.seq);
    if (!promotions[kind] || promotions[kind].seq < seq) promotions[kind] = { at: row.at, seq };
  }
  return byService;
}

/**
 * The stored brakes on the automation of every service in scope, read in
 * three queries whatever their number: what governs each (a global pause
 * governs every service, whether it has a row of its own or not).
 */
export async function automationControls(scope: Scope, now: Date): Promise<(serviceId: string) => AutomationControls> {
  const [pauses, promotions, acknowledgements, refusals] = await Promise.all([
    db().automationPause.findMany({
      where: { endedAt: null, expiresAt: { gt: now }, ...(scope ? { OR: [{ scope: "global" }, { serviceId: { in: [...scope] } }] } : {}) },
      select: { serviceId: true, reason: true, expiresAt: true, endedAt: true },
    }),
    lastPromotions(scope),
    sqlPool().query<{ serviceId: string; at: Date }>({
      name: "automation-acknowledgements",
      text: `SELECT DISTINCT ON ("serviceId") "serviceId", at FROM "AutomationAcknowledgement" WHERE $1::text[] IS NULL OR "serviceId" = ANY($1) ORDER BY "serviceId", at DESC`,
      values: [scope],
    }),
    // The newest automatic run each service's pre-failover gate aborted (the run machine's "pre-failover-gate-refused").
    sqlPool().query<{ serviceId: string; at: Date; runId: string; error: string | null }>({
      name: "automation-gate-refusals",
      text: `SELECT DISTINCT ON (r."serviceId") r."serviceId", r."finishedAt" AS at, r.id AS "runId", r.error
               FROM "Run" r
              WHERE r.status = 'aborted' AND r.mode = 'automatic' AND r."finishedAt" IS NOT NULL AND ($1::text[] IS NULL OR r."serviceId" = ANY($1))
                AND EXISTS (SELECT 1 FROM "StepRun" s WHERE s."runId" = r.id AND s.kind = 'gate' AND s.state = 'failed')
              ORDER BY r."serviceId", r."finishedAt" DESC`,
      values: [scope],
    }),
  ]);
  const refused = new Map(refusals.rows.map(({ serviceId, ...refusal }) => [serviceId, refusal]));
  const acknowledged = new Map(acknowledgements.rows.map((acknowledgement) => [acknowledgement.serviceId, acknowledgement.at]));
  return (serviceId) => {
    const pause = governingPause(
      pauses.filter((candidate) => candidate.serviceId === null || candidate.serviceId === serviceId),
      now,
    );
    return {
      paused: pause ? { reason: pause.reason, until: pause.expiresAt } : null,
      lastPromotions: promotions.get(serviceId) ?? NO_PROMOTIONS,
      acknowledgedAt: acknowledged.get(serviceId) ?? null,
      gateRefusal: refused.get(serviceId) ?? null,
    };
  };
}
