"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { LiveReplica, ServiceDetail } from "@/contracts/services";
import type { LagRange, LagSource } from "@/core/fleet/lag-range";
import { serviceQueries } from "@/client/queries/service";
import { ServiceAlerts } from "@/components/alerts/service-alerts";
import { DrillSection } from "@/components/drills/drill-section";
import { ServiceIncidents } from "@/components/incidents/service-incidents";
import { AutomationCard } from "@/components/service/automation-card";
import { EventList } from "@/components/service/event-list";
import { LagCharts, type LagStatistic } from "@/components/service/lag-charts";
import { ReplicaTable } from "@/components/service/replica-table";
import { SegmentedControl } from "@/components/service/segmented-control";
import { TopologyGraph } from "@/components/service/topology-graph";
import { PageHeader } from "@/components/ui/page-header";
import { UpdatedAgo } from "@/components/ui/updated-ago";
import { useNow } from "@/components/ui/use-now";

const RANGES: { value: LagRange; label: string }[] = [
  { value: "15m", label: "15 min" },
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
  { value: "30d", label: "30 d" },
  { value: "90d", label: "90 d" },
];

const SOURCE_SENTENCES: Record<LagSource, (bucketSeconds: number) => string> = {
  raw: (bucketSeconds) => `Raw agent samples in ${bucketSeconds} s buckets.`,
  rollup: (bucketSeconds) => `One-minute rollups in ${bucketSeconds / 60} min buckets`,
  "hour-rollup": (bucketSeconds) => `One-hour rollups in ${bucketSeconds / 3600} h buckets`,
};

const STATISTICS: { value: LagStatistic; label: string }[] = [
  { value: "max", label: "Maximum" },
  { value: "avg", label: "Average" },
];

function LagSection({ serviceId, initialRange, staleIds }: { serviceId: string; initialRange: LagRange; staleIds: ReadonlySet<string> }) {
  const [range, setRange] = useState<LagRange>(initialRange);
  const [statistic, setStatistic] = useState<LagStatistic>("max");
  const [fitToData, setFitToData] = useState(false);
  const lag = useQuery({ ...serviceQueries.lag(serviceId, range), placeholderData: keepPreviousData });

  const chooseRange = (next: LagRange) => {
    setRange(next);
    // Kept in the address so that a link to this page shows the same range.
    const url = new URL(window.location.href);
    url.searchParams.set("range", next);
    window.history.replaceState(null, "", url);
  };

  const data = lag.data;
  const tail = data?.segments.find((segment) => segment.source === "raw" && data.source !== "raw");
  return (
    <section className="card" aria-labelledby="lag-heading">
      <div className="card-header">
        <h2 id="lag-heading">Lag and conflicts</h2>
        <div className="row">
          {lag.isFetching && lag.isPlaceholderData ? <span className="muted" role="status">loading {range}…</span> : null}
          {data ? <UpdatedAgo at={lag.dataUpdatedAt} /> : null}
        </div>
      </div>
      <div className="row chart-controls">
        <SegmentedControl legend="Range" name="lag-range" options={RANGES} value={range} onChange={chooseRange} />
        <SegmentedControl legend="Per bucket" name="lag-statistic" options={STATISTICS} value={statistic} onChange={setStatistic} />
        <button type="button" className="button button-small" aria-pressed={fitToData} onClick={() => setFitToData((fit) => !fit)}>
          Fit y-axis to data{fitToData ? " (budgets may be off the chart)" : ""}
        </button>
      </div>
      {lag.isError ? (
        <div className="alert alert-error" role="alert">
          Could not load lag: {lag.error.message}.{data ? " Showing the last data received." : ""}
        </div>
      ) : null}
      {!data && lag.isPending ? (
        <div className="chart-loading" role="status" aria-live="polite">
          Loading lag for the last {range}…
        </div>
      ) : null}
      {data ? (
        <>
          <p className="muted chart-source">
            {SOURCE_SENTENCES[data.source](data.bucketSeconds)}
            {tail ? `; since ${tail.from.slice(5, 10)} ${tail.from.slice(11, 16)} UTC from raw samples not yet rolled up.` : data.source !== "raw" ? "." : ""}{" "}
            Gaps mean no report. {data.rpoSeconds === null ? "No eventual dataset sets an RPO budget." : ""}
          </p>
          <LagCharts lag={data} statistic={statistic} fitToData={fitToData} staleIds={staleIds} />
          <h3 className="events-heading">Events in this range</h3>
          <EventList events={data.events} />
        </>
      ) : null}
    </section>
  );
}

export function ServiceLive({
  initial,
  initialRange,
  mayControlAutomation,
  mayRunDrills,
}: {
  initial: ServiceDetail;
  initialRange: LagRange;
  mayControlAutomation: boolean;
  mayRunDrills: boolean;
}) {
  const detail = useQuery({ ...serviceQueries.detail(initial.id), initialData: initial, initialDataUpdatedAt: Date.parse(initial.generatedAt) });
  const service = detail.data;
  // Ticking, so a replica whose reports stop turns stale even while this page cannot refresh.
  const now = useNow(1_000, Date.parse(initial.generatedAt));
  const isStale = useCallback(
    (replica: LiveReplica) =>
      replica.live.health === "stale" || (replica.live.lastReportAt !== null && now - Date.parse(replica.live.lastReportAt) > service.staleAfterSeconds * 1000),
    [now, service.staleAfterSeconds],
  );
  const staleIds = useMemo(() => new Set(service.replicas.filter(isStale).map((replica) => replica.id)), [service.replicas, isStale]);
  const writeReplica = service.replicas.find((replica) => replica.id === service.writeReplicaId);

  return (
    <>
      <PageHeader
        title={service.id}
        description={
          <>
            {service.name} · writes to {writeReplica ? `${writeReplica.name} (${writeReplica.regionId})` : "nowhere: no write route"} · epoch{" "}
            <span className="mono">{service.epoch}</span> · policy {service.policyVersion ? `v${service.policyVersion}` : "none"}
          </>
        }
        actions={
          <>
            <UpdatedAgo at={detail.dataUpdatedAt} />
            <Link href="/fleet">Fleet</Link>
          </>
        }
      />
      {detail.isError ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          Could not refresh {service.id}: {detail.error.message}. Replicas turn stale here as their last reports age.
        </div>
      ) : null}

      <div className="stack">
        <section className="card" aria-labelledby="topology-heading">
          <div className="card-header">
            <h2 id="topology-heading">Topology</h2>
            <span className="muted">solid edge: synchronous · dashed edge: asynchronous · dashed box: stale or never reported</span>
          </div>
          <TopologyGraph replicas={service.replicas} isStale={isStale} />
        </section>

        <ServiceIncidents serviceId={service.id} />

        <ServiceAlerts serviceId={service.id} />

        <AutomationCard serviceId={service.id} mayControl={mayControlAutomation} />

        <LagSection serviceId={service.id} initialRange={initialRange} staleIds={staleIds} />

        <DrillSection
          serviceId={service.id}
          regions={[...new Set(service.replicas.filter((replica) => replica.role !== "witness").map((replica) => replica.regionId))]}
          writeRegionId={service.writeRegionId}
          mayOperate={mayRunDrills && !service.retiredAt}
        />

        <section className="card" aria-labelledby="replicas-heading">
          <div className="card-header">
            <h2 id="replicas-heading">Replicas</h2>
          </div>
          <ReplicaTable replicas={service.replicas} isStale={isStale} staleAfterSeconds={service.staleAfterSeconds} />
        </section>
      </div>
    </>
  );
}
