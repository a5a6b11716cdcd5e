import "server-only";
import type { AuditEventPage, AuditListQuery } from "@/contracts/audit-query";
import type { UserActor } from "../auth/actor";
import { sqlPool } from "../db/sql-pool";
import { EVENT_COLUMNS, eventView, type EventRow } from "./audit-event-rows";
import { filterClause, filtersOf, whereOf } from "./audit-filter-query";
import { recordAuditView } from "./record-audit-access";

/** One newest-first page: the filters plus `seq < before`, one row more than asked to know whether another page follows. */
export async function queryAuditEvents(query: AuditListQuery): Promise<AuditEventPage> {
  const pool = sqlPool();
  const { conditions, values } = await filterClause(pool, filtersOf(query));
  if (query.before !== undefined) {
    values.push(query.before);
    conditions.push(`seq < $${values.length}`);
  }
  values.push(query.limit + 1);
  const { rows } = await pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM "AuditEvent" ${whereOf(conditions)} ORDER BY "AuditEvent".seq DESC LIMIT $${values.length}`, values);
  const page = rows.slice(0, query.limit).map(eventView);
  return { events: page, nextBefore: rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null };
}

/** The page, then the record that this person viewed it (after the read, so the page never contains its own view). */
export async function queryAuditEventsAs(actor: UserActor, query: AuditListQuery): Promise<AuditEventPage> {
  const page = await queryAuditEvents(query);
  await recordAuditView(actor, { filters: filtersOf(query) });
  return page;
}
