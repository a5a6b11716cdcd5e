import Link from "next/link";
import type { RegionView, ServiceView } from "@/contracts/services";
import { Badge } from "@/components/ui/badge";

function formatSeconds(seconds: number): string {
  if (seconds === 0) return "0 s";
  if (seconds < 120) return `${seconds} s`;
  return `${Math.round(seconds / 60)} min`;
}

export function ServiceCard({ service, regions }: { service: ServiceView; regions: Map<string, RegionView> }) {
  const writeRegion = service.writeRegionId ? regions.get(service.writeRegionId) : undefined;
  return (
    <section className="card" aria-labelledby={`service-${service.id}`}>
      <div className="card-header">
        <div>
          <h2 id={`service-${service.id}`}>
            <Link href={`/services/${encodeURIComponent(service.id)}`}>{service.id}</Link>
          </h2>
          <span className="muted">{service.name}</span>
        </div>
        <dl className="kv">
          <dt>Write region</dt>
          <dd>{writeRegion ? `${writeRegion.id} (${writeRegion.jurisdiction})` : <Badge tone="bad">no write route</Badge>}</dd>
          <dt>Epoch</dt>
          <dd className="mono">{service.epoch}</dd>
          <dt>Policy</dt>
          <dd>{service.policyVersion ? `v${service.policyVersion}` : "none"}</dd>
        </dl>
      </div>

      <h3>Datasets</h3>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Owner</th>
              <th scope="col">Consistency</th>
              <th scope="col">RPO budget</th>
              <th scope="col">RTO budget</th>
              <th scope="col">Residency</th>
            </tr>
          </thead>
          <tbody>
            {service.datasets.map((dataset) => (
              <tr key={dataset.id}>
                <td>{dataset.name}</td>
                <td>{dataset.ownerTeam}</td>
                <td>
                  <Badge tone={dataset.consistency === "strong" ? "info" : "neutral"}>
                    {dataset.consistency}
                    {dataset.replication ? ` · ${dataset.replication}` : ""}
                  </Badge>
                </td>
                <td>{formatSeconds(dataset.rpoSeconds)}</td>
                <td>{formatSeconds(dataset.rtoSeconds)}</td>
                <td>{dataset.residency ? dataset.residency.jurisdictions.join(" + ") : <span className="muted">unrestricted</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3 style={{ marginTop: 16, marginBottom: 8 }}>Replicas</h3>
      <ul className="replica-grid" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {service.replicas.map((replica) => {
          const region = regions.get(replica.regionId);
          return (
            <li key={replica.id} className={replica.role === "primary" ? "replica replica-primary" : "replica"} aria-label={`${replica.name}, ${replica.role}`}>
              <h3>
                <span>{replica.regionId}</span>
                <Badge tone={replica.role === "primary" ? "info" : "neutral"}>{replica.role}</Badge>
              </h3>
              <dl className="kv">
                <dt>Replica</dt>
                <dd>{replica.name}</dd>
                <dt>Jurisdiction</dt>
                <dd>{region?.jurisdiction ?? "?"}</dd>
                <dt>Mode</dt>
                <dd>{replica.role === "primary" ? "—" : replica.replication === "sync" ? "synchronous" : "asynchronous"}</dd>
                <dt>Endpoint</dt>
                <dd className="mono">
                  {replica.host}:{replica.port}
                </dd>
                <dt>Priority</dt>
                <dd>
                  {replica.promotionPriority}
                  {replica.noPromote ? " · never promoted" : ""}
                </dd>
              </dl>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
