import Link from "next/link";
import type { IncidentSummaryView } from "@/contracts/incidents";
import { Timestamp } from "@/components/ui/timestamp";
import { IncidentStatusBadge } from "./incident-status-badge";

export function IncidentTable({ incidents }: { incidents: IncidentSummaryView[] }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Status</th>
            <th scope="col">Services</th>
            <th scope="col">Opened</th>
            <th scope="col">Resolved</th>
            <th scope="col">Commander</th>
            <th scope="col">Last update</th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((incident) => (
            <tr key={incident.id} data-testid={`incident-${incident.id}`}>
              <td>
                <Link href={`/incidents/${incident.id}`}>{incident.title}</Link>
                <div className="muted small">opened by {incident.openedBy.label} ({incident.openRule})</div>
              </td>
              <td>
                <IncidentStatusBadge status={incident.status} />
              </td>
              <td>
                {incident.serviceIds.map((serviceId, index) => (
                  <span key={serviceId}>
                    {index ? ", " : ""}
                    <Link href={`/services/${serviceId}`}>{serviceId}</Link>
                  </span>
                ))}
              </td>
              <td>
                <Timestamp iso={incident.openedAt} />
              </td>
              <td>
                <Timestamp iso={incident.resolvedAt} empty="—" />
              </td>
              <td>{incident.commander?.email ?? <span className="muted">none yet</span>}</td>
              <td>{incident.lastUpdate ? incident.lastUpdate.note : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
