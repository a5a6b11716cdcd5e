"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { auditExportHref, auditQueries } from "@/client/queries/audit";
import { SPREADSHEET_SAFE_NOTE } from "@/core/audit/csv";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";
import { AuditFilterForm } from "./audit-filter-form";

/** Filters only: what the export takes, without the page cursor. */
function filtersOnly(params: URLSearchParams): URLSearchParams {
  const filters = new URLSearchParams(params);
  filters.delete("before");
  filters.delete("limit");
  return filters;
}

export function AuditTrailView({ search }: { search: string }) {
  const router = useRouter();
  const current = new URLSearchParams(search);
  const { data, error, isPending, isFetching } = useQuery(auditQueries.page(search));
  const filters = filtersOnly(current);
  const go = (params: URLSearchParams) => router.push(`/audit${params.size ? `?${params}` : ""}`);
  const older = () => {
    if (!data?.nextBefore) return;
    const next = new URLSearchParams(current);
    next.set("before", String(data.nextBefore));
    go(next);
  };
  const exportHref = (format: "csv" | "jsonl") => auditExportHref(format, filters);

  return (
    <div className="stack">
      <AuditFilterForm key={filters.toString()} current={current} onApply={go} />

      <section className="card" aria-labelledby="events-heading" aria-busy={isFetching}>
        <div className="card-header">
          <h2 id="events-heading">{current.has("before") ? `Events before #${current.get("before")}` : "Latest events"}</h2>
          <div className="row">
            <a className="button button-small" href={exportHref("csv")} download title={SPREADSHEET_SAFE_NOTE}>
              Export CSV
            </a>
            <a className="button button-small" href={exportHref("jsonl")} download>
              Export JSON Lines
            </a>
          </div>
        </div>
        {error ? (
          <div className="alert alert-error" role="alert">
            Could not load the audit trail: {error.message}
          </div>
        ) : null}
        {isPending && !error ? <p className="muted" role="status">Loading events…</p> : null}
        {data && data.events.length === 0 ? (
          <EmptyState title="No events match these filters">
            <p>Widen the time range or clear a filter.</p>
          </EmptyState>
        ) : null}
        {data && data.events.length > 0 ? (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Hash</th>
                </tr>
              </thead>
              <tbody>
                {data.events.map((event) => (
                  <tr key={event.seq}>
                    <td className="mono">
                      <Link href={`/audit/${event.seq}`} aria-label={`Event ${event.seq} details`}>
                        {event.seq}
                      </Link>
                    </td>
                    <td>
                      <Timestamp iso={event.at} />
                    </td>
                    <td>
                      {event.actorLabel}
                      <div className="muted">
                        {event.actorType}
                        {event.sourceIp ? ` · ${event.sourceIp}` : ""}
                      </div>
                    </td>
                    <td className="mono">{event.action}</td>
                    <td className="mono">
                      {event.targetId ? `${event.targetType}:${event.targetId}` : event.targetType}
                      {event.serviceId ? <div className="muted">{event.serviceId}</div> : null}
                    </td>
                    <td>
                      <Badge tone={event.outcome === "success" ? "ok" : "bad"}>{event.outcome}</Badge>
                    </td>
                    <td className="audit-reason">{event.reason ?? <span className="muted">—</span>}</td>
                    <td className="mono" title={event.hash}>
                      {event.hash.slice(0, 12)}…
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <nav className="row" aria-label="Pages" style={{ marginTop: 12 }}>
          {current.has("before") ? (
            <button type="button" className="button button-small" onClick={() => go(filters)}>
              ← Newest
            </button>
          ) : null}
          <button type="button" className="button button-small" onClick={older} disabled={!data?.nextBefore}>
            Older →
          </button>
        </nav>
      </section>
    </div>
  );
}
