import "server-only";
import type { AuditEventView } from "@/contracts/audit-query";
import type { AuditFilters } from "@/core/audit/audit-filters";

/** Every column an event is hashed over, plus the links; never the search vector. */
export const EVENT_COLUMNS = `seq::text AS seq, at, "actorType"::text AS "actorType", "actorId", "actorLabel", "sourceIp", action, "targetType", "targetId",
  "serviceId", outcome::text AS outcome, reason, before, after, details, "runId", "stepRunId", "policyVersionId", "changeRequestId", "prevHash", hash`;

export interface EventRow {
  seq: string;
  at: Date;
  actorType: AuditEventView["actorType"];
  actorId: string | null;
  actorLabel: string;
  sourceIp: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  serviceId: string | null;
  outcome: AuditEventView["outcome"];
  reason: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
  runId: string | null;
  stepRunId: string | null;
  policyVersionId: string | null;
  changeRequestId: string | null;
  prevHash: string;
  hash: string;
}

export function eventView(row: EventRow): AuditEventView {
  return { ...row, seq: Number(row.seq), at: row.at.toISOString() };
}

/** Which actor columns a filter value matches; see `resolveActorColumns`. */
export type ActorMatch = "id" | "label" | "either";

/**
 * A parameterised WHERE clause for the filters (values numbered from
 * `values.length + 1`). Each condition has an index that ends in seq, so a
 * newest-first page walks one index backwards from its cursor.
 */
export function filterConditions(filters: AuditFilters, actorMatch: ActorMatch, values: unknown[]): string[] {
  const conditions: string[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filters.from) conditions.push(`at >= ${param(filters.from)}::timestamptz`);
  if (filters.to) conditions.push(`at < ${param(filters.to)}::timestamptz`);
  if (filters.actor) {
    const actor = param(filters.actor);
    conditions.push(actorMatch === "id" ? `"actorId" = ${actor}` : actorMatch === "label" ? `"actorLabel" = ${actor}` : `("actorId" = ${actor} OR "actorLabel" = ${actor})`);
  }
  if (filters.action?.length) conditions.push(filters.action.length === 1 ? `action = ${param(filters.action[0])}` : `action = ANY(${param(filters.action)}::text[])`);
  if (filters.targetType) conditions.push(`"targetType" = ${param(filters.targetType)}`);
  if (filters.targetId) conditions.push(`"targetId" = ${param(filters.targetId)}`);
  if (filters.serviceId) conditions.push(`"serviceId" = ${param(filters.serviceId)}`);
  if (filters.outcome) conditions.push(`outcome = ${param(filters.outcome)}::"Outcome"`);
  if (filters.q) conditions.push(`search @@ websearch_to_tsquery('simple', ${param(filters.q)})`);
  return conditions;
}
