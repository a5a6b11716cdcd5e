import "server-only";
import type { AuditEventView, AuditExportQuery } from "@/contracts/audit-query";
import { activeFilters } from "@/core/audit/audit-filters";
import { canonicalJson, toJsonValue } from "@/core/audit/canonical-json";
import { csvRecord, SPREADSHEET_SAFE_NOTE } from "@/core/audit/csv";
import { recordAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { sqlPool } from "../db/sql-pool";
import { EVENT_COLUMNS, eventView, type EventRow } from "./audit-event-rows";
import { filterClause, filtersOf, whereOf } from "./audit-filter-query";

/** Rows read per query; at most one page waits in the stream at a time. */
const PAGE_ROWS = 1_000;

const CSV_COLUMNS = [
  "seq", "at", "actorType", "actorId", "actorLabel", "sourceIp", "action", "targetType", "targetId", "serviceId", "outcome", "reason",
  "before", "after", "details", "runId", "stepRunId", "policyVersionId", "changeRequestId", "prevHash", "hash",
] as const satisfies readonly (keyof AuditEventView)[];

const JSON_COLUMNS = new Set<string>(["before", "after", "details"]);

function csvLine(event: AuditEventView): string {
  return csvRecord(
    CSV_COLUMNS.map((column) => {
      const value = event[column];
      if (JSON_COLUMNS.has(column)) return value === null ? null : canonicalJson(toJsonValue(value));
      return value as string | number | null;
    }),
  );
}

const FORMATS = {
  csv: { contentType: "text/csv; charset=utf-8; header=present", header: csvRecord(CSV_COLUMNS), line: csvLine },
  jsonl: { contentType: "application/x-ndjson; charset=utf-8", header: "", line: (event: AuditEventView) => `${JSON.stringify(event)}\n` },
};

/**
 * Streams the filtered events oldest first, a keyset page per pull, so memory
 * stays flat whatever the size of the set. The set is fixed at the head seq
 * when the export starts, so the row count recorded in the `audit.export`
 * event, written before any row leaves, is exactly what the file holds.
 */
export async function exportAuditEventsAs(actor: UserActor, query: AuditExportQuery): Promise<Response> {
  const pool = sqlPool();
  const filters = filtersOf(query);
  const { conditions, values } = await filterClause(pool, filters);
  const head = await pool.query<{ seq: string }>(`SELECT max(seq)::text AS seq FROM "AuditEvent"`);
  const throughSeq = Number(head.rows[0]?.seq ?? 0);
  values.push(throughSeq);
  conditions.push(`seq <= $${values.length}`);
  const counted = await pool.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM "AuditEvent" ${whereOf(conditions)}`, values);
  const rowCount = Number(counted.rows[0]?.rows ?? 0);

  await recordAuditEvent({
    actor: auditActorOf(actor),
    action: "audit.export",
    target: { type: "audit_chain", id: null },
    details: { format: query.format, filters: activeFilters(filters), rows: rowCount, throughSeq },
  });

  const format = FORMATS[query.format];
  const encoder = new TextEncoder();
  const cursorIndex = values.length + 1;
  const pageSql = `SELECT ${EVENT_COLUMNS} FROM "AuditEvent" ${whereOf([...conditions, `seq > $${cursorIndex}`])} ORDER BY "AuditEvent".seq ASC LIMIT ${PAGE_ROWS}`;
  let cursor = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (format.header) controller.enqueue(encoder.encode(format.header));
    },
    async pull(controller) {
      const { rows } = await pool.query<EventRow>(pageSql, [...values, cursor]);
      if (rows.length > 0) {
        controller.enqueue(encoder.encode(rows.map((row) => format.line(eventView(row))).join("")));
        cursor = Number(rows.at(-1)!.seq);
      }
      if (rows.length < PAGE_ROWS) controller.close();
    },
  });

  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": format.contentType,
      "content-disposition": `attachment; filename="switchyard-audit-${stamp}Z-through-${throughSeq}.${query.format}"`,
      "cache-control": "no-store",
      "x-audit-rows": String(rowCount),
      "x-audit-through-seq": String(throughSeq),
      ...(query.format === "csv" ? { "x-audit-csv-note": SPREADSHEET_SAFE_NOTE } : {}),
    },
  });
}
