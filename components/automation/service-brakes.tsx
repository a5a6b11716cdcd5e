"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { automationQueries } from "@/client/queries/automation";
import { serviceQueries } from "@/client/queries/service";
import { AcknowledgeFailoverForm } from "./acknowledge-failover-form";
import { AutomationStateBadge } from "./automation-state-badge";
import { PauseForm } from "./pause-form";
import { PauseNotice } from "./pause-notice";

/**
 * What holds the service's automation back (its own pause, a global pause,
 * a maintenance window, the cooldown after a failover) and, for operators, the
 * controls over each (a window is changed through governance).
 * The cooldown comes with the service's automation view, judged as the fleet
 * overview judges it.
 */
export function ServiceBrakes({ serviceId, mayControl }: { serviceId: string; mayControl: boolean }) {
  const pauses = useQuery(automationQueries.pauses());
  const state = useQuery({ ...serviceQueries.automation(serviceId), select: (automation) => automation.state }).data;
  const own = pauses.data?.active.find((pause) => pause.serviceId === serviceId);
  const global = pauses.data?.active.find((pause) => pause.serviceId === null);
  return (
    <div className="stack" style={{ gap: 10, marginBottom: 12 }}>
      {pauses.isError ? (
        <p className="field-error" role="alert">
          Could not load the automation pauses: {pauses.error.message}
        </p>
      ) : null}
      {global ? (
        <PauseNotice pause={global} subject="every service" mayResume={false} instead={mayControl ? <Link href="/fleet">Resume it on the fleet page</Link> : null} />
      ) : null}
      {own ? <PauseNotice pause={own} subject={serviceId} mayResume={mayControl} /> : null}
      {/* Only once the pauses are known: an operator must not be offered to pause what is already paused. */}
      {mayControl && pauses.data && !own ? <PauseForm scope={serviceId} subject={serviceId} /> : null}
      {state?.maintenance ? (
        <div data-testid="automation-maintenance">
          <AutomationStateBadge state="maintenance" /> {state.maintenance}
        </div>
      ) : null}
      {state?.state === "cooling-down" ? (
        <div className="stack" style={{ gap: 6 }} data-testid="automation-cooldown">
          <div>
            <AutomationStateBadge state="cooling-down" /> {state.reason}
          </div>
          {mayControl ? <AcknowledgeFailoverForm serviceId={serviceId} /> : null}
        </div>
      ) : null}
    </div>
  );
}
