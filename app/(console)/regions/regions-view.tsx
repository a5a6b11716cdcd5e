"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fleetQueries } from "@/client/queries/fleet";
import { HeatMapLegend } from "@/components/fleet/heat-map-legend";
import { cellKey, RegionHeatMap } from "@/components/fleet/region-heat-map";
import { formatRtt } from "@/components/fleet/rtt-scale";
import { RetireForm } from "@/components/topology/retire-form";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";
import { UpdatedAgo } from "@/components/ui/updated-ago";

const REACHABILITY = {
  all: <Badge tone="ok">✓ every probe reaches</Badge>,
  some: <Badge tone="warn">⚠ some probes fail</Badge>,
  none: <Badge tone="bad">✕ unreachable</Badge>,
};

export function RegionsView({ mayManageTopology }: { mayManageTopology: boolean }) {
  const { data, error, dataUpdatedAt, isPending, refetch } = useQuery(fleetQueries.regionMatrix());
  const regions = useQuery({ ...fleetQueries.regions(), enabled: mayManageTopology });
  const [selected, setSelected] = useState<string | null>(null);
  const cell = data?.cells.find((candidate) => cellKey(candidate.from, candidate.to) === selected);

  return (
    <>
      <PageHeader
        title="Regions"
        description="Can each region's witnesses reach the others, and how fast? One cell per pair of regions, from the latest probe of every witness."
        actions={<UpdatedAgo at={dataUpdatedAt} />}
      />
      {error ? (
        <div className="alert alert-error row" role="alert" style={{ marginBottom: 16 }}>
          Could not {data ? "refresh" : "load"} the region matrix: {error.message}.{data ? " Showing the last data received." : ""}
          <button type="button" className="button button-small" onClick={() => void refetch()}>
            Retry
          </button>
        </div>
      ) : null}

      {isPending ? (
        <div className="card skeleton" aria-busy="true" aria-live="polite">
          Loading the region matrix…
        </div>
      ) : !data ? null : data.cells.length === 0 ? (
        <EmptyState title="No witness probes yet">
          <p>The matrix fills in once agents report probes of replicas in other regions.</p>
        </EmptyState>
      ) : (
        <section className="card stack" aria-labelledby="matrix-heading">
          <h2 id="matrix-heading">Latency and reachability</h2>
          <RegionHeatMap matrix={data} selected={selected} onSelect={(key) => setSelected(key === selected ? null : key)} />
          <HeatMapLegend />
          <div aria-live="polite">
            {cell ? (
              <dl className="kv heat-details">
                <dt>Pair</dt>
                <dd className="mono">
                  {cell.from} → {cell.to}
                </dd>
                <dt>Status</dt>
                <dd className="row">
                  {cell.stale ? <Badge tone="warn">◷ stale: not current</Badge> : null}
                  {REACHABILITY[cell.reachability]}
                </dd>
                <dt>Probes</dt>
                <dd>
                  {cell.reachableProbes} of {cell.probes} reach
                </dd>
                <dt>Round trip</dt>
                <dd>{cell.rttMs.median === null ? "none measured" : `median ${formatRtt(cell.rttMs.median)} · max ${formatRtt(cell.rttMs.max ?? cell.rttMs.median)}`}</dd>
                <dt>Last observation</dt>
                <dd>
                  <Timestamp iso={cell.lastObservedAt} />
                </dd>
              </dl>
            ) : (
              <p className="muted">Select a cell (click, or Tab to it and press Enter) for its details.</p>
            )}
          </div>
        </section>
      )}
      {mayManageTopology && regions.data ? (
        <section className="stack" aria-label="Retire a region" style={{ marginTop: 24 }}>
          <RetireForm
            kind="region"
            ids={regions.data.regions.filter((state) => Object.values(state.replicas).every((count) => count === 0)).map((state) => state.region.id)}
            consequence="Only a region no active replica lives in and no policy names can be retired; it is then offered nowhere new, and its history stays. The regions listed have no active replica."
          />
        </section>
      ) : null}
    </>
  );
}
