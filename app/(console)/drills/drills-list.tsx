"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { drillQueries } from "@/client/queries/drills";
import { formatSeconds } from "@/core/format";
import { StateBadge } from "@/components/runbooks/step-state-badge";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";

export function DrillsList({ serviceId }: { serviceId?: string }) {
  const { data, isPending, isError } = useQuery(drillQueries.list(serviceId));
  return (
    <>
      <PageHeader
        title={serviceId ? `Drills of ${serviceId}` : "Drills"}
        description="Runs executed on purpose to rehearse a failover, each measuring observed RTO and lost writes against the datasets' budgets. Start one from a service's page."
      />
      <section className="card" aria-label="Drills">
        {isPending ? <p className="muted">Loading…</p> : null}
        {isError ? <p className="field-error">Could not load the drills.</p> : null}
        {data && data.drills.length === 0 ? <p className="muted">No drills yet.</p> : null}
        {data?.drills.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Drill</th>
                  <th scope="col">Service</th>
                  <th scope="col">State</th>
                  <th scope="col">Observed RTO</th>
                  <th scope="col">Lost writes</th>
                  <th scope="col">Started by</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {data.drills.map((drill) => (
                  <tr key={drill.id}>
                    <td>
                      <Link href={`/drills/${drill.id}`}>{drill.runbookId}</Link>
                      {drill.params.to_region ? <span className="muted"> → {drill.params.to_region}</span> : null}
                      {drill.switchBack ? <span className="muted"> and back</span> : null}
                    </td>
                    <td>
                      <Link href={`/services/${drill.serviceId}`}>{drill.serviceId}</Link>
                    </td>
                    <td>
                      <StateBadge state={drill.status} />
                    </td>
                    <td>{drill.observedRtoMs === null ? "—" : formatSeconds(drill.observedRtoMs / 1000)}</td>
                    <td>{drill.lostWrites === null ? "not measured" : drill.lostWrites}</td>
                    <td>{drill.startedBy ?? (drill.scheduleId ? "schedule" : "—")}</td>
                    <td>
                      <Timestamp iso={drill.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
