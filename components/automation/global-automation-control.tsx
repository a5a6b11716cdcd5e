"use client";

import { useQuery } from "@tanstack/react-query";
import type { ServiceOverview } from "@/contracts/fleet-overview";
import { AUTOMATION_STATES } from "@/core/fleet/automation-state";
import { automationQueries } from "@/client/queries/automation";
import { AutomationStateBadge } from "./automation-state-badge";
import { PauseForm } from "./pause-form";
import { PauseNotice } from "./pause-notice";

/**
 * The fleet's automation at a glance (how many services in each state) and
 * the global brake: a pause of every service's automatic failover, shown with
 * who pulled it and why, and, for operators, the controls to pull or release it.
 */
export function GlobalAutomationControl({ services, mayControl }: { services: ServiceOverview[]; mayControl: boolean }) {
  const pauses = useQuery(automationQueries.pauses());
  const global = pauses.data?.active.find((pause) => pause.serviceId === null);
  const counts = AUTOMATION_STATES.map((state) => ({ state, count: services.filter((service) => service.automation.state === state).length })).filter(({ count }) => count > 0);
  return (
    <section className="card" aria-labelledby="automation-heading" data-testid="fleet-automation" style={{ marginBottom: 16 }}>
      <h2 id="automation-heading" style={{ marginBottom: 8 }}>
        Automatic failover
      </h2>
      <ul className="health-counts" aria-label="Services by automation state" style={{ marginBottom: 10 }}>
        {counts.map(({ state, count }) => (
          <li key={state}>
            {count} service{count === 1 ? "" : "s"} <AutomationStateBadge state={state} />
          </li>
        ))}
      </ul>
      {pauses.isError ? (
        <p className="field-error" role="alert">
          Could not load the automation pauses: {pauses.error.message}
        </p>
      ) : null}
      {global ? <PauseNotice pause={global} subject="every service" mayResume={mayControl} /> : null}
      {/* Only once the pauses are known: an operator must not be offered to pause what is already paused. */}
      {mayControl && pauses.data && !global ? <PauseForm scope="global" subject="every service" /> : null}
    </section>
  );
}
