"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { drillQueries, startDrillRequest } from "@/client/queries/drills";
import { DrillTable } from "./drill-table";
import { RecoveryChart } from "./recovery-chart";

/** A service's drills: run one, see observed RTO and lost writes of every drill and real run against the budgets, and the latest drills. */
export function DrillSection({ serviceId, regions, writeRegionId, mayOperate }: { serviceId: string; regions: string[]; writeRegionId: string | null; mayOperate: boolean }) {
  const router = useRouter();
  const history = useQuery(drillQueries.history(serviceId));
  const drills = useQuery(drillQueries.list(serviceId));
  const targets = regions.filter((region) => region !== writeRegionId);
  const [toRegion, setToRegion] = useState(targets[0] ?? "");
  const [switchBack, setSwitchBack] = useState(true);
  const [reason, setReason] = useState("");
  const start = useMutation({
    mutationFn: () => startDrillRequest({ service: serviceId, to_region: toRegion, ...(reason.trim() ? { reason: reason.trim() } : {}) }, switchBack),
    onSuccess: (drill) => router.push(`/drills/${drill.id}`),
  });

  return (
    <section className="card" aria-labelledby="drills-heading">
      <div className="card-header">
        <h2 id="drills-heading">Drills against budgets</h2>
        <Link href={`/drills?serviceId=${encodeURIComponent(serviceId)}`}>All drills</Link>
      </div>
      {mayOperate ? (
        <form
          className="form"
          style={{ maxWidth: 560, marginBottom: 16 }}
          aria-label="Run a drill"
          onSubmit={(event) => {
            event.preventDefault();
            start.mutate();
          }}
        >
          <div className="field">
            <label htmlFor="drill-to-region">Switch over to</label>
            <select id="drill-to-region" value={toRegion} onChange={(event) => setToRegion(event.target.value)} required>
              {targets.map((region) => (
                <option key={region} value={region}>
                  {region}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="drill-reason">Reason</label>
            <input id="drill-reason" type="text" value={reason} onChange={(event) => setReason(event.target.value)} placeholder="quarterly failover rehearsal" />
          </div>
          <label className="row">
            <input type="checkbox" checked={switchBack} onChange={(event) => setSwitchBack(event.target.checked)} /> Switch back to {writeRegionId ?? "the current region"} at the end
          </label>
          <div className="row">
            <button type="submit" className="button button-primary" disabled={start.isPending || !toRegion}>
              {start.isPending ? "Starting…" : "Run a drill"}
            </button>
            <span className="hint">A planned switchover with a canary writing through the write route; the run asks you to confirm, as any switchover does. On a service whose policy requires approval of drills, it first waits for a second person.</span>
          </div>
        </form>
      ) : null}
      {start.isError ? (
        <div className="alert alert-error" role="alert">
          {start.error.message}
        </div>
      ) : null}
      {history.isPending ? <p className="muted">Loading the drill history…</p> : null}
      {history.isError ? <p className="field-error">Could not load the drill history.</p> : null}
      {history.data ? (
        history.data.points.length ? (
          <RecoveryChart history={history.data} />
        ) : (
          <p className="muted">No drill or failover has finished yet: the chart of observed RTO and lost writes against the budgets appears after the first.</p>
        )
      ) : null}
      {drills.data?.drills.length ? <DrillTable drills={drills.data.drills.slice(0, 5)} fleetWide={false} caption="Latest drills" /> : null}
    </section>
  );
}
