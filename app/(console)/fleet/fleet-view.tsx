"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { ServiceList } from "@/contracts/services";
import { fleetQueries } from "@/client/queries/fleet";
import { ServiceCard } from "@/components/fleet/service-card";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export function FleetView({ initial }: { initial: ServiceList }) {
  const { data, error, isFetching } = useQuery({ ...fleetQueries.services(), initialData: initial });
  const regions = useMemo(() => new Map(data.regions.map((region) => [region.id, region])), [data.regions]);

  return (
    <>
      <PageHeader
        title="Fleet"
        description={`${data.services.length} service${data.services.length === 1 ? "" : "s"} across ${data.regions.length} regions`}
        actions={isFetching ? <span className="muted">refreshing…</span> : null}
      />
      {error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          Could not refresh the fleet: {error.message}. Showing the last data received.
        </div>
      ) : null}

      <section className="card" aria-labelledby="regions-heading" style={{ marginBottom: 16 }}>
        <h2 id="regions-heading" style={{ marginBottom: 10 }}>
          Regions
        </h2>
        <div className="grid-3">
          {data.regions.map((region) => (
            <div key={region.id} className="replica">
              <h3>
                <span>{region.id}</span>
                <Badge tone="info">{region.jurisdiction}</Badge>
              </h3>
              <span className="muted">
                {region.displayName} · {region.cloud}
              </span>
            </div>
          ))}
        </div>
      </section>

      {data.services.length === 0 ? (
        <EmptyState title="No services yet">
          <p>Services appear here once they are registered in the store.</p>
        </EmptyState>
      ) : (
        <div className="stack">
          {data.services.map((service) => (
            <ServiceCard key={service.id} service={service} regions={regions} />
          ))}
        </div>
      )}
    </>
  );
}
