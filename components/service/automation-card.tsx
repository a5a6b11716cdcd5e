"use client";

import { useQuery } from "@tanstack/react-query";
import { serviceQueries } from "@/client/queries/service";
import { ActingLine } from "@/components/automation/acting-line";
import { CurrentDecisions } from "@/components/automation/current-decisions";
import { RecordedDecisions } from "@/components/automation/recorded-decisions";
import { ServiceBrakes } from "@/components/automation/service-brakes";
import { UpdatedAgo } from "@/components/ui/updated-ago";

/**
 * The service's automation, live: whether the decider acts on it, what holds
 * it back, what the rules decide now and what the decider recorded and did.
 * Operators (`mayControl`) get the pause, resume and acknowledge controls.
 */
export function AutomationCard({ serviceId, mayControl }: { serviceId: string; mayControl: boolean }) {
  const { data, error, isPending, dataUpdatedAt } = useQuery(serviceQueries.automation(serviceId));
  // Decisions name replicas by id; the page's own detail query (same key, no extra request) has their names.
  const replicas = useQuery(serviceQueries.detail(serviceId)).data?.replicas;
  const nameOf = (replicaId: string) => replicas?.find((replica) => replica.id === replicaId)?.name ?? replicaId;
  return (
    <section className="card" aria-labelledby="automation-heading" data-testid="automation-card">
      <div className="card-header">
        <h2 id="automation-heading">Automation</h2>
        {data ? <UpdatedAgo at={dataUpdatedAt} /> : null}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          Could not load the automation&apos;s decisions: {error.message}
        </p>
      ) : null}
      {isPending ? <p className="muted">Loading decisions…</p> : null}
      {data ? <ActingLine automation={data} /> : null}
      <ServiceBrakes serviceId={serviceId} mayControl={mayControl} />
      {data ? (
        <>
          <h3 style={{ marginBottom: 6 }}>Decisions now</h3>
          <CurrentDecisions decisions={data.decisions} nameOf={nameOf} />
          <h3 style={{ margin: "16px 0 6px" }}>Recorded by the decider</h3>
          <RecordedDecisions recorded={data.recorded} nameOf={nameOf} />
        </>
      ) : null}
    </section>
  );
}
