"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { reaches, type Reach } from "@/core/access/access";
import { ALERT_STATES, type AlertList, type AlertView } from "@/contracts/alerts";
import { alertQueries, alertSearch, type AlertFilters } from "@/client/queries/alerts";
import { AlertRow } from "@/components/alerts/alert-row";
import { SilencesPanel } from "@/components/alerts/silences-panel";
import { INHIBITION_RULES } from "@/core/alerts/inhibitions";
import { GROUPING_RULES } from "@/core/notifications/notification-groups";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { UpdatedAgo } from "@/components/ui/updated-ago";

export const OPEN_STATES: AlertView["state"][] = ["pending", "firing"];

interface AlertsViewProps {
  initial: AlertList;
  /** The filters the page was opened with (its URL), which `initial` holds the alerts of. */
  initialFilters: AlertFilters;
  /** Why the URL's filters were not understood, if they were not. */
  filterProblem: string | null;
  serviceIds: string[];
  /** Where the viewer may acknowledge: an operator limited to some services sees the control on their alerts only. */
  acknowledgeReach: Reach;
  /** Where the viewer may silence alerts and expire silences. */
  silenceReach: Reach;
}

export function AlertsView({ initial, initialFilters, filterProblem, serviceIds, acknowledgeReach, silenceReach }: AlertsViewProps) {
  const router = useRouter();
  const pathname = usePathname();
  const [filters, setFiltersState] = useState<AlertFilters>(initialFilters);
  const { data, error, isPending, dataUpdatedAt } = useQuery({ ...alertQueries.list(filters), initialData: filters === initialFilters ? initial : undefined });
  const rules = data?.rules ?? initial.rules;
  // The URL follows the filters (replaced, not pushed: Back leaves the page rather than undoing a checkbox).
  const setFilters = (change: (current: AlertFilters) => AlertFilters) => {
    const next = change(filters);
    setFiltersState(next);
    router.replace(`${pathname}${alertSearch(next)}`, { scroll: false });
  };
  const toggleState = (state: AlertView["state"]) =>
    setFilters((current) => {
      const states = current.state ?? [];
      return { ...current, state: states.includes(state) ? states.filter((item) => item !== state) : [...states, state] };
    });

  return (
    <>
      <PageHeader
        title="Alerts"
        description="Pending while a condition has held for less than the policy's window, firing after it, resolved once it clears."
        actions={
          <>
            <UpdatedAgo at={dataUpdatedAt} />
            <Link href="/incidents">Incidents</Link>
          </>
        }
      />
      {filterProblem ? (
        <div className="alert alert-info" role="status" style={{ marginBottom: 16 }}>
          The link&apos;s filters were not understood ({filterProblem}); showing what is pending or firing.
        </div>
      ) : null}
      <section className="card" aria-label="Filters" style={{ marginBottom: 16 }}>
        <div className="row" style={{ gap: 16, flexWrap: "wrap", alignItems: "flex-end" }}>
          <fieldset className="row" style={{ gap: 10, border: 0, padding: 0, margin: 0 }}>
            <legend className="hint">State</legend>
            {ALERT_STATES.map((state) => (
              <label key={state} className="row" style={{ gap: 4 }}>
                <input type="checkbox" checked={filters.state?.includes(state) ?? false} onChange={() => toggleState(state)} />
                {state} <span className="muted">({data?.counts[state] ?? "…"})</span>
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span className="hint">Service</span>
            <select value={filters.serviceId ?? ""} onChange={(event) => setFilters((current) => ({ ...current, serviceId: event.target.value || undefined }))}>
              <option value="">All services</option>
              {serviceIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="hint">Rule</span>
            <select
              value={filters.ruleId ?? ""}
              onChange={(event) => setFilters((current) => ({ ...current, ruleId: (event.target.value || undefined) as AlertFilters["ruleId"] }))}
            >
              <option value="">All rules</option>
              {rules.map((rule) => (
                <option key={rule.id} value={rule.id}>
                  {rule.title}
                </option>
              ))}
            </select>
          </label>
        </div>
      </section>

      {error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          Could not refresh the alerts: {error.message}.{data ? " Showing the last data received." : ""}
        </div>
      ) : null}
      {isPending && !data ? <p className="muted">Loading alerts…</p> : null}
      {data && data.alerts.length === 0 ? (
        <EmptyState title={filters.state?.length === 2 && filters.state.every((state) => OPEN_STATES.includes(state)) ? "Nothing pending or firing" : "No alerts match these filters"}>
          <p>Rules are evaluated every second against the latest agent reports.</p>
        </EmptyState>
      ) : null}
      {data && data.alerts.length > 0 ? (
        <section className="card" aria-label="Alerts">
          <div className="table-wrap" tabIndex={0}><table>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Alert</th>
                <th scope="col">Service</th>
                <th scope="col">Since (UTC)</th>
                <th scope="col">Acknowledgement</th>
              </tr>
            </thead>
            <tbody>
              {data.alerts.map((alert) => (
                <AlertRow key={alert.id} alert={alert} mayAcknowledge={reaches(acknowledgeReach, alert.serviceId)} />
              ))}
            </tbody>
          </table>
          </div>
        </section>
      ) : null}

      <SilencesPanel serviceIds={serviceIds} rules={rules} silenceReach={silenceReach} />

      <section className="card" aria-labelledby="rules-heading">
        <h2 id="rules-heading">Rules</h2>
        <p className="muted">Read-only; each service's window and thresholds come from its effective policy (see Governance).</p>
        <div className="table-wrap" tabIndex={0}><table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Severity</th>
              <th scope="col">Watches</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id}>
                <td>
                  {rule.title} <code className="muted">{rule.id}</code>
                </td>
                <td>{rule.severity}</td>
                <td>{rule.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
        <p className="muted" style={{ marginTop: 8 }}>
          Firing and resolving are audit events (see <Link href="/audit">Audit</Link>) and go to the webhooks in <code>SWITCHYARD_ALERT_WEBHOOKS</code>, grouped by service.
        </p>
        <h3>Inhibition</h3>
        <ul className="plain-list">
          {INHIBITION_RULES.map((rule) => (
            <li key={rule.id}>
              <code className="muted">{rule.id}</code> {rule.sentence}
            </li>
          ))}
        </ul>
        <h3>Grouping</h3>
        <ul className="plain-list">
          {GROUPING_RULES.map((rule) => (
            <li key={rule.id}>
              <code className="muted">{rule.id}</code> {rule.sentence}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
