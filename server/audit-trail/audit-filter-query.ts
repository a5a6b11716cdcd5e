import "server-only";
import type pg from "pg";
import type { AuditFilters } from "@/core/audit/audit-filters";
import { filterConditions, type ActorMatch } from "./audit-event-rows";

/**
 * An actor filter is a label or an id. Ids (cuids) and labels (emails,
 * names) never coincide in practice, so looking once at which column holds
 * the value lets the page use that column's index instead of an OR of two.
 */
async function actorMatch(pool: pg.Pool, actor: string | undefined): Promise<ActorMatch> {
  if (!actor) return "either";
  const { rows } = await pool.query<{ byId: boolean; byLabel: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM "AuditEvent" WHERE "actorId" = $1) AS "byId", EXISTS (SELECT 1 FROM "AuditEvent" WHERE "actorLabel" = $1) AS "byLabel"`,
    [actor],
  );
  const row = rows[0];
  if (row?.byId && !row.byLabel) return "id";
  if (row?.byLabel && !row.byId) return "label";
  return "either";
}

/** WHERE conditions and their values for the filters, ready for more conditions. */
export async function filterClause(pool: pg.Pool, filters: AuditFilters): Promise<{ conditions: string[]; values: unknown[] }> {
  const values: unknown[] = [];
  const conditions = filterConditions(filters, await actorMatch(pool, filters.actor), values);
  return { conditions, values };
}

export function whereOf(conditions: readonly string[]): string {
  return conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
}

export function filtersOf(query: AuditFilters): AuditFilters {
  const { from, to, actor, action, targetType, targetId, serviceId, outcome, q } = query;
  return { from, to, actor, action, targetType, targetId, serviceId, outcome, q };
}
