import Link from "next/link";
import type { DrillListView } from "@/contracts/drills";
import { formatSeconds } from "@/core/format";
import { StateBadge } from "../runbooks/step-state-badge";
import { Timestamp } from "../ui/timestamp";

/** Drills, one row each: what was rehearsed, its state, observed RTO and lost writes; the fleet's list also says whose service and who started it. */
export function DrillTable({ drills, fleetWide, caption }: { drills: DrillListView["drills"]; fleetWide: boolean; caption?: string }) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        {caption ? <caption className="muted">{caption}</caption> : null}
        <thead>
          <tr>
            <th scope="col">Drill</th>
            {fleetWide ? <th scope="col">Service</th> : null}
            <th scope="col">State</th>
            <th scope="col">Observed RTO</th>
            <th scope="col">Lost writes</th>
            {fleetWide ? <th scope="col">Started by</th> : null}
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {drills.map((drill) => (
            <tr key={drill.id}>
              <td>
                <Link href={`/drills/${drill.id}`}>{drill.runbookId}</Link>
                {drill.params.to_region ? <span className="muted"> → {drill.params.to_region}</span> : null}
                {drill.switchBack ? <span className="muted"> and back</span> : null}
              </td>
              {fleetWide ? (
                <td>
                  <Link href={`/services/${drill.serviceId}`}>{drill.serviceId}</Link>
                </td>
              ) : null}
              <td>
                <StateBadge state={drill.status} />
              </td>
              <td>{drill.observedRtoMs === null ? "—" : formatSeconds(drill.observedRtoMs / 1000)}</td>
              <td>{drill.lostWrites === null ? "not measured" : drill.lostWrites}</td>
              {fleetWide ? <td>{drill.startedBy ?? (drill.scheduleId ? "schedule" : "—")}</td> : null}
              <td>
                <Timestamp iso={drill.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
