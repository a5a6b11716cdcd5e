import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";
import { recentAuditEvents } from "@/server/audit/recent-audit-events";
import { requirePagePermission } from "@/server/auth/current-actor";
import { VerifyChainButton } from "./verify-chain-button";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requirePagePermission("audit:read");
  const events = await recentAuditEvents();
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every state change, hash-chained: editing or removing an event breaks the chain."
        actions={<VerifyChainButton />}
      />
      <section className="card" aria-labelledby="events-heading">
        <h2 id="events-heading" style={{ marginBottom: 10 }}>
          Latest events
        </h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.seq}>
                  <td className="mono">{event.seq}</td>
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
                  <td className="mono">{event.target}</td>
                  <td>
                    <Badge tone={event.outcome === "success" ? "ok" : "bad"}>{event.outcome}</Badge>
                  </td>
                  <td>{event.reason ?? <span className="muted">—</span>}</td>
                  <td className="mono" title={event.hash}>
                    {event.hash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
