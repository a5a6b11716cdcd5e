import type { LiveReplica } from "@/contracts/services";
import { formatBytes, formatSeconds } from "@/core/format";
import { HEALTH_LOOK } from "./series-style";

const WIDTH = 760;
const NODE_W = 230;
const NODE_H = 84;
const ROW = 104;
const PAD = 12;

interface Placed {
  replica: LiveReplica;
  x: number;
  y: number;
  stale: boolean;
}

function lagText(replica: LiveReplica): string {
  const parts = [
    replica.live.lagBytes === null ? null : formatBytes(replica.live.lagBytes),
    replica.live.lagSeconds === null ? null : formatSeconds(replica.live.lagSeconds),
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "lag unknown";
}

function Node({ placed }: { placed: Placed }) {
  const { replica, x, y, stale } = placed;
  const health = stale ? "stale" : replica.live.health;
  const look = HEALTH_LOOK[health];
  const reported = replica.live.reportedRole && replica.live.reportedRole !== replica.role ? ` (reports ${replica.live.reportedRole})` : "";
  return (
    <g className={`topo-node topo-${health}`} transform={`translate(${x} ${y})`}>
      <title>{`${replica.name}: ${replica.role}, ${health}${replica.live.reasons.length ? ` — ${replica.live.reasons.join("; ")}` : ""}`}</title>
      <rect width={NODE_W} height={NODE_H} rx={8} className="topo-box" strokeDasharray={stale || health === "unknown" ? "6 4" : undefined} />
      <text x={12} y={22} className="topo-name">
        {replica.name}
      </text>
      <text x={12} y={42} className="topo-meta">
        {replica.regionId}
      </text>
      <text x={12} y={62} className="topo-meta">
        {replica.role}
        {reported}
        {replica.role === "primary" ? "" : ` · ${replica.replication}`}
      </text>
      <text x={NODE_W - 12} y={22} textAnchor="end" className="topo-health">
        {look.symbol} {health}
      </text>
      {replica.live.timeline !== null ? (
        <text x={NODE_W - 12} y={62} textAnchor="end" className="topo-meta">
          TL {replica.live.timeline}
        </text>
      ) : null}
    </g>
  );
}

/**
 * The service drawn as a graph: primaries on the left, standbys on the right,
 * an edge from the primary to each standby saying sync or async (also drawn
 * solid or dashed) and its lag. A stale replica's lag is its last known one,
 * and says so.
 */
export function TopologyGraph({ replicas, isStale }: { replicas: LiveReplica[]; isStale: (replica: LiveReplica) => boolean }) {
  const primaries = replicas.filter((replica) => replica.role === "primary");
  const others = replicas.filter((replica) => replica.role !== "primary");
  const rows = Math.max(primaries.length, others.length, 1);
  const height = rows * ROW + PAD;
  const offset = (count: number) => ((rows - count) * ROW) / 2 + PAD;
  const place = (list: LiveReplica[], x: number): Placed[] =>
    list.map((replica, index) => ({ replica, x, y: offset(list.length) + index * ROW, stale: isStale(replica) }));
  const left = place(primaries, PAD);
  const right = place(others, WIDTH - NODE_W - PAD);
  const source = left[0];
  const summary = `${primaries.map((p) => p.name).join(", ") || "No primary"} → ${others.map((o) => `${o.name} (${o.replication}, ${isStale(o) ? "stale" : lagText(o)})`).join(", ") || "no standbys"}`;

  return (
    <svg className="topology" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby="topology-title topology-desc" data-testid="topology">
      <title id="topology-title">Replication topology</title>
      <desc id="topology-desc">{summary}</desc>
      <defs>
        <marker id="topo-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="topo-arrow" />
        </marker>
      </defs>
      {source
        ? right
            .filter(({ replica }) => replica.role === "standby")
            .map((target) => {
              const x1 = source.x + NODE_W;
              const y1 = source.y + NODE_H / 2;
              const x2 = target.x;
              const y2 = target.y + NODE_H / 2;
              const label = `${target.replica.replication} · ${target.stale ? `stale, last ${lagText(target.replica)}` : lagText(target.replica)}`;
              const mx = (x1 + x2) / 2;
              const my = (y1 + y2) / 2;
              return (
                <g key={target.replica.id} className={target.stale ? "topo-edge topo-edge-stale" : "topo-edge"}>
                  <line x1={x1} y1={y1} x2={x2 - 2} y2={y2} strokeDasharray={target.replica.replication === "async" ? "9 5" : undefined} markerEnd="url(#topo-arrow)" />
                  <rect x={mx - 125} y={my - 11} width={250} height={22} rx={4} className="topo-edge-label-bg" />
                  <text x={mx} y={my + 4} textAnchor="middle" className="topo-edge-label">
                    {label}
                  </text>
                </g>
              );
            })
        : null}
      {[...left, ...right].map((placed) => (
        <Node key={placed.replica.id} placed={placed} />
      ))}
    </svg>
  );
}
