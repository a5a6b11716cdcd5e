import Link from "next/link";
import type { ServiceOverview } from "@/contracts/fleet-overview";
import { AutomationStateBadge } from "@/components/automation/automation-state-badge";
import { StateBadge } from "@/components/runbooks/step-state-badge";
import { Badge } from "@/components/ui/badge";
import { HealthBadge } from "./health-badge";
import { HealthCounts } from "./health-counts";
import { LagBudget } from "./lag-budget";

// Attention lists can be long on a broken service; the service page has the rest.
const ATTENTION_SHOWN = 3;

function Automation({ automation }: { automation: ServiceOverview["automation"] }) {
  return (
    <div data-testid="automation-state" data-state={automation.state}>
      <AutomationStateBadge state={automation.state} />
      <div className="muted small">{automation.reason}</div>
    </div>
  );
}

function Attention({ service }: { service: ServiceOverview }) {
  if (!service.attention.length) return null;
  const rest = service.attention.length - ATTENTION_SHOWN;
  return (
    <ul className="attention">
      {service.attention.slice(0, ATTENTION_SHOWN).map((entry) => (
        <li key={entry.replicaId}>
          <span className="mono">{entry.replicaName}</span> <span className="muted">({entry.regionId})</span>: {entry.reason}
        </li>
      ))}
      {rest > 0 ? <li className="muted">and {rest} more</li> : null}
    </ul>
  );
}

export function ServicesTable({ services }: { services: ServiceOverview[] }) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <caption className="visually-hidden">Services, least healthy first</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Write region</th>
            <th scope="col">Health</th>
            <th scope="col">Worst lag vs budget</th>
            <th scope="col">Automation</th>
            <th scope="col">Active runs</th>
          </tr>
        </thead>
        <tbody>
          {services.map((service) => (
            <tr key={service.id} data-testid={`service-${service.id}`}>
              <th scope="row">
                <Link href={`/services/${encodeURIComponent(service.id)}`} className="mono">
                  {service.id}
                </Link>
                <div className="muted small">{service.name}</div>
              </th>
              <td>
                {service.writeRegionId ? (
                  <>
                    <span className="mono">{service.writeRegionId}</span>
                    <div className="muted small">{service.writeReplicaName}</div>
                  </>
                ) : (
                  <Badge tone="bad">✕ no write route</Badge>
                )}
              </td>
              <td>
                <HealthBadge health={service.health} />
                <HealthCounts counts={service.replicas} />
                <Attention service={service} />
              </td>
              <td>
                <LagBudget lag={service.worstLag} />
              </td>
              <td>
                <Automation automation={service.automation} />
              </td>
              <td>
                {service.activeRuns.length ? (
                  <ul className="plain-list">
                    {service.activeRuns.map((run) => (
                      <li key={run.id}>
                        <Link href={run.href}>{run.runbookTitle}</Link> <StateBadge state={run.status} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">none</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
