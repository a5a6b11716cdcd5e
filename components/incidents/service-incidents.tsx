"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { incidentQueries } from "@/client/queries/incidents";
import { IncidentStatusBadge } from "./incident-status-badge";

/** The service's open incident, if any, on its page, with a link to all of its incidents. */
export function ServiceIncidents({ serviceId }: { serviceId: string }) {
  const { data, isPending, isError } = useQuery(incidentQueries.list({ serviceId, open: "true" }));
  return (
    <section className="card" aria-labelledby="service-incidents">
      <div className="card-header">
        <h2 id="service-incidents">Incidents</h2>
        <Link href={`/incidents?serviceId=${encodeURIComponent(serviceId)}`}>All incidents of {serviceId}</Link>
      </div>
      {isPending ? <p className="muted">Loading…</p> : null}
      {isError ? <p className="field-error">Could not load the incidents.</p> : null}
      {data && data.incidents.length === 0 ? <p className="muted">No open incident.</p> : null}
      {data?.incidents.map((incident) => (
        <p key={incident.id}>
          <IncidentStatusBadge status={incident.status} /> <Link href={`/incidents/${incident.id}`}>{incident.title}</Link>
          <span className="muted"> — commander {incident.commander?.email ?? "none yet"}</span>
        </p>
      ))}
    </section>
  );
}
