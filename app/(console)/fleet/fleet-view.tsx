"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import type { FleetOverview } from "@/contracts/fleet-overview";
import type { ServiceList } from "@/contracts/services";
import { WORST_FIRST } from "@/core/fleet/service-summary";
import { STORE_ROLE_REMEDY } from "@/core/store/store-role-risks";
import { fleetQueries } from "@/client/queries/fleet";
import { GlobalAutomationControl } from "@/components/automation/global-automation-control";
import { HealthBadge } from "@/components/fleet/health-badge";
import { HealthCounts } from "@/components/fleet/health-counts";
import { RegionGrid } from "@/components/fleet/region-grid";
import { ServiceCard } from "@/components/fleet/service-card";
import { ServicesTable } from "@/components/fleet/services-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { UpdatedAgo } from "@/components/ui/updated-ago";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** Least healthy first, then nearest to breaking a lag budget: what needs doing sits on top. */
function bySeverity(a: FleetOverview["services"][number], b: FleetOverview["services"][number]) {
  return WORST_FIRST.indexOf(a.health) - WORST_FIRST.indexOf(b.health) || (b.worstLag?.ratio ?? -1) - (a.worstLag?.ratio ?? -1) || a.id.localeCompare(b.id);
}

export function FleetView({
  initial,
  initialTopology,
  mayControlAutomation,
  mayManageTopology,
}: {
  initial: FleetOverview;
  initialTopology: ServiceList;
  mayControlAutomation: boolean;
  mayManageTopology: boolean;
}) {
  const { data, error, dataUpdatedAt } = useQuery({ ...fleetQueries.overview(), initialData: initial, initialDataUpdatedAt: Date.parse(initial.generatedAt) });
  const topology = useQuery({ ...fleetQueries.services(), initialData: initialTopology, initialDataUpdatedAt: Date.parse(initial.generatedAt) }).data;
  const regionsById = useMemo(() => new Map(topology.regions.map((region) => [region.id, region])), [topology.regions]);
  const [onlyAttention, setOnlyAttention] = useState(false);
  const services = useMemo(
    () => [...data.services].filter((service) => !onlyAttention || service.health !== "healthy" || service.activeRuns.length > 0).sort(bySeverity),
    [data.services, onlyAttention],
  );
  const replicaCount = Object.values(data.replicas).reduce((sum, count) => sum + count, 0);
  const unwell = replicaCount - data.replicas.healthy;
  const worst = WORST_FIRST.find((state) => data.replicas[state] > 0) ?? "unknown";

  return (
    <>
      <PageHeader
        title="Fleet"
        description={`${plural(data.services.length, "service")} · ${plural(replicaCount, "replica")} across ${plural(data.regions.length, "region")}`}
        actions={
          <>
            <UpdatedAgo at={dataUpdatedAt} />
            <Link href="/fleet/add-service" className="button button-small" aria-describedby={mayManageTopology ? undefined : "add-service-admins-only"}>
              Add service
            </Link>
            {mayManageTopology ? null : (
              <span id="add-service-admins-only" className="muted small">
                admins only
              </span>
            )}
          </>
        }
      />
      {error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          Could not refresh the fleet: {error.message}. Showing the last data received.
        </div>
      ) : null}

      {data.loopStalls.length ? (
        <div className="alert alert-error" role="alert" data-testid="loop-stalls" style={{ marginBottom: 16 }}>
          {data.loopStalls.map((stall) => (
            <p key={stall.loop} style={{ margin: 0 }}>
              <strong>{stall.loop === "decider" ? "Automatic failover is not being decided." : "Alerts are not being evaluated."}</strong> {stall.sentence} Check the control plane&apos;s log
              and its store.
            </p>
          ))}
        </div>
      ) : null}

      {data.storeWarnings.length ? (
        <div className="alert alert-error" role="alert" data-testid="store-warnings" style={{ marginBottom: 16 }}>
          {data.storeWarnings.map((warning) => (
            <p key={warning.id} style={{ margin: 0 }}>
              <strong>The store role is too powerful.</strong> {warning.sentence}
            </p>
          ))}
          <p style={{ margin: 0 }}>{STORE_ROLE_REMEDY}</p>
        </div>
      ) : null}

      <section className="card fleet-verdict" aria-labelledby="verdict-heading" style={{ marginBottom: 16 }}>
        <h2 id="verdict-heading" className="row">
          <HealthBadge health={worst} />
          {replicaCount === 0 ? "No replicas yet" : unwell === 0 ? `All ${plural(replicaCount, "replica")} healthy` : `${plural(unwell, "replica")} need attention`}
        </h2>
        <HealthCounts counts={data.replicas} />
      </section>

      {data.services.length ? <GlobalAutomationControl services={data.services} mayControl={mayControlAutomation} /> : null}

      <section className="card" aria-labelledby="regions-heading" style={{ marginBottom: 16 }}>
        <h2 id="regions-heading" style={{ marginBottom: 10 }}>
          Regions
        </h2>
        {data.regions.length ? <RegionGrid regions={data.regions} /> : <p className="muted">No regions registered yet.</p>}
      </section>

      {data.services.length === 0 ? (
        <EmptyState title="No services yet">
          <p>
            Services appear here once they are added: <Link href="/fleet/add-service">add one from a running cluster</Link> or write it on the <Link href="/topology">Topology</Link> page (admins).
          </p>
        </EmptyState>
      ) : (
        <section className="card" aria-labelledby="services-heading">
          <div className="card-header">
            <h2 id="services-heading">Services</h2>
            <label className="row">
              <input type="checkbox" checked={onlyAttention} onChange={(event) => setOnlyAttention(event.target.checked)} />
              Only services needing attention or running a runbook
            </label>
          </div>
          {services.length ? <ServicesTable services={services} /> : <p className="muted">Every service is healthy and none is running a runbook.</p>}
        </section>
      )}

      {topology.services.length ? (
        <section className="stack" aria-labelledby="topology-heading" style={{ marginTop: 24 }}>
          <h2 id="topology-heading">Topology: datasets, budgets and replicas</h2>
          {topology.services.map((service) => (
            <ServiceCard key={service.id} service={service} regions={regionsById} />
          ))}
        </section>
      ) : null}
    </>
  );
}
