"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { drillQueries } from "@/client/queries/drills";
import { Badge } from "@/components/ui/badge";
import { DrillTable } from "@/components/drills/drill-table";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";

/** Repeating drills, read-only here: `schedule-drill` and `disable-drill-schedule` (CLI) or the API change them. */
function Schedules({ serviceId }: { serviceId?: string }) {
  const { data, isPending, isError } = useQuery(drillQueries.schedules(serviceId));
  return (
    <section className="card" aria-labelledby="drill-schedules">
      <h2 id="drill-schedules" style={{ marginBottom: 10 }}>
        Repeating drills
      </h2>
      {isPending ? <p className="muted">Loading…</p> : null}
      {isError ? <p className="field-error">Could not load the repeating drills.</p> : null}
      {data && data.schedules.length === 0 ? <p className="muted">None. Schedule one with the CLI: switchyard schedule-drill service=… to_region=… --every-days 7</p> : null}
      {data?.schedules.length ? (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Drill</th>
                <th scope="col">Every</th>
                <th scope="col">Only in a maintenance window</th>
                <th scope="col">Next due</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {data.schedules.map((schedule) => (
                <tr key={schedule.id}>
                  <td>
                    <Link href={`/services/${schedule.serviceId}`}>{schedule.serviceId}</Link>
                  </td>
                  <td>
                    {schedule.runbookId}
                    {schedule.params.to_region ? <span className="muted"> → {schedule.params.to_region}</span> : null}
                    {schedule.switchBack ? <span className="muted"> and back</span> : null}
                  </td>
                  <td>{schedule.everyDays} days</td>
                  <td>{schedule.inMaintenanceWindow ? "yes" : "no"}</td>
                  <td>
                    <Timestamp iso={schedule.nextDueAt} />
                  </td>
                  <td>{schedule.disabledAt ? <Badge tone="neutral">disabled</Badge> : schedule.overdue ? <Badge tone="warn" title={schedule.overdue}>! overdue</Badge> : <Badge tone="ok">✓ on time</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

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
        {data?.drills.length ? <DrillTable drills={data.drills} fleetWide /> : null}
      </section>
      <Schedules serviceId={serviceId} />
    </>
  );
}
