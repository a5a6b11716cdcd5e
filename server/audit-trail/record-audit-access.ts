import "server-only";
import { activeFilters, type AuditFilters } from "@/core/audit/audit-filters";
import { toJsonValue } from "@/core/audit/canonical-json";
import { recordAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { sqlPool } from "../db/sql-pool";

/** The same person repeating the same view within this window is one view. */
const VIEW_WINDOW_SECONDS = 60;

/**
 * Records that someone read the trail: once per distinct view (the same
 * filters, or the same event) per person per minute, so paging, refreshes and
 * re-renders do not bury the trail under its own reads.
 */
export async function recordAuditView(actor: UserActor, view: { filters: AuditFilters } | { seq: number }): Promise<void> {
  const details = "filters" in view ? { filters: activeFilters(view.filters) } : { seq: view.seq };
  const { rowCount } = await sqlPool().query(
    `SELECT 1 FROM "AuditEvent"
      WHERE "actorId" = $1 AND action = 'audit.view' AND at > now() - make_interval(secs => $2) AND details = $3::jsonb
      LIMIT 1`,
    [actor.userId, VIEW_WINDOW_SECONDS, JSON.stringify(toJsonValue(details))],
  );
  if (rowCount) return;
  await recordAuditEvent({
    actor: auditActorOf(actor),
    action: "audit.view",
    target: "seq" in view ? { type: "audit_event", id: String(view.seq) } : { type: "audit_chain", id: null },
    details,
  });
}
