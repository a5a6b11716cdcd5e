import type { LiveReplica } from "@/contracts/services";
import { formatBytes, formatSeconds } from "@/core/format";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import { formatLsn } from "@/core/lsn";
import { HEALTH_LOOK } from "./series-style";

/** A position in the engine's notation: PostgreSQL's LSN, or MariaDB's GTIDs (whose domain sequence number is the position compared). */
function Position({ value, gtid }: { value: string | null; gtid: string | null | undefined }) {
  if (gtid) {
    return (
      <span className="mono" title={value === null ? "GTID position" : `GTID position; sequence ${value} in its replication domain`}>
        {gtid}
      </span>
    );
  }
  if (value === null) return <span className="muted">—</span>;
  return (
    <span className="mono" title={`byte position ${value}`}>
      {formatLsn(value)}
    </span>
  );
}

/**
 * What each replica last reported. A stale row keeps its values for the
 * record but is marked and dimmed, so nobody reads it as the present.
 */
export function ReplicaTable({ replicas, isStale, staleAfterSeconds }: { replicas: LiveReplica[]; isStale: (replica: LiveReplica) => boolean; staleAfterSeconds: number }) {
  const position = replicas.some((replica) => replica.live.gtid) ? "GTID" : "LSN";
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="replica-table" data-testid="replica-table">
        <caption className="muted table-caption">Reports older than {formatSeconds(staleAfterSeconds)} are stale; their values are the last known, not current.</caption>
        <thead>
          <tr>
            <th scope="col">Replica</th>
            <th scope="col">Health</th>
            <th scope="col">Role</th>
            <th scope="col">Timeline</th>
            <th scope="col">Current {position}</th>
            <th scope="col">Received {position}</th>
            <th scope="col">Replayed {position}</th>
            <th scope="col">Lag</th>
            <th scope="col">Sync state</th>
            <th scope="col">WAL receiver</th>
            <th scope="col">Last report</th>
          </tr>
        </thead>
        <tbody>
          {replicas.map((replica) => {
            const stale = isStale(replica);
            const health = stale ? "stale" : replica.live.health;
            const look = HEALTH_LOOK[health];
            return (
              <tr key={replica.id} className={stale ? "row-stale" : undefined} data-replica={replica.name} data-health={health}>
                <th scope="row">
                  {replica.name}
                  <div className="muted">{replica.regionId}</div>
                </th>
                <td>
                  <Badge tone={look.tone} title={replica.live.reasons.join("; ") || undefined}>
                    <span aria-hidden="true">{look.symbol}</span> {health}
                  </Badge>
                  {replica.live.reasons.length ? <div className="muted reasons">{replica.live.reasons[0]}</div> : null}
                </td>
                <td>
                  {replica.role}
                  {replica.role === "primary" ? "" : ` (${replica.replication})`}
                  {replica.live.reportedRole && replica.live.reportedRole !== replica.role ? <div className="field-error">reports {replica.live.reportedRole}</div> : null}
                </td>
                <td className="mono">{replica.live.timeline ?? "—"}</td>
                <td>
                  <Position value={replica.live.lsn.current} gtid={replica.live.gtid?.current} />
                </td>
                <td>
                  <Position value={replica.live.lsn.received} gtid={replica.live.gtid?.received} />
                </td>
                <td>
                  <Position value={replica.live.lsn.replayed} gtid={replica.live.gtid?.replayed} />
                </td>
                <td>
                  {replica.live.lagBytes === null && replica.live.lagSeconds === null ? (
                    <span className="muted">—</span>
                  ) : (
                    <>
                      {stale ? <span className="muted">last known </span> : null}
                      {replica.live.lagBytes === null ? "" : formatBytes(replica.live.lagBytes)}
                      {replica.live.lagSeconds === null ? "" : ` · ${formatSeconds(replica.live.lagSeconds)}`}
                    </>
                  )}
                </td>
                <td>{replica.live.syncState ?? <span className="muted">—</span>}</td>
                <td>{replica.live.walReceiverStatus ?? <span className="muted">—</span>}</td>
                <td>
                  <Timestamp iso={replica.live.lastReportAt} />
                  {stale ? (
                    <div>
                      <Badge tone="warn">stale</Badge>
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
