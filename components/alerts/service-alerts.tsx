"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { alertQueries } from "@/client/queries/alerts";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

/** A service's pending and firing alerts, live, for its page; the alerts page has the rest. */
export function ServiceAlerts({ serviceId }: { serviceId: string }) {
  const { data, error, isPending } = useQuery(alertQueries.list({ serviceId, state: ["pending", "firing"] }));
  return (
    <section className="card" aria-labelledby="service-alerts-heading">
      <div className="card-header">
        <h2 id="service-alerts-heading">Alerts</h2>
        <Link href={`/alerts?serviceId=${encodeURIComponent(serviceId)}&state=pending,firing,resolved`}>All of this service&apos;s alerts</Link>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          Could not load alerts: {error.message}
        </p>
      ) : null}
      {isPending ? <p className="muted">Loading alerts…</p> : null}
      {data && data.alerts.length === 0 ? <p className="muted">Nothing pending or firing.</p> : null}
      {data && data.alerts.length > 0 ? (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {data.alerts.map((alert) => (
            <li key={alert.id} data-testid={`alert-${alert.ruleId}-${alert.subject}`} data-state={alert.state}>
              <Badge tone={alert.state === "firing" ? "bad" : "warn"}>
                <span aria-hidden="true">{alert.state === "firing" ? "●" : "◐"}</span> {alert.state}
              </Badge>{" "}
              <strong>{alert.title}</strong>: {alert.sentence}{" "}
              <span className="muted">
                since <Timestamp iso={alert.startedAt} />
                {alert.acknowledged ? ` · acknowledged by ${alert.acknowledged.by}` : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
