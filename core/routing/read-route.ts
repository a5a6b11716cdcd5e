import type { Health } from "../fleet/replica-health";
import { residencyViolations } from "../runbooks/select-candidate";
import type { DatasetSnapshot } from "../runbooks/snapshot";

/** What choosing a read replica reads of each replica: the shared topology read's facts (core/topology/service-topology.ts). */
export interface ReadCandidate {
  id: string;
  name: string;
  regionId: string;
  jurisdiction: string;
  role: "primary" | "standby" | "witness";
  /** As judged from its latest report with the read's `now`: `stale` and `unknown` mean there is no current report. */
  health: Health;
  reachable: boolean | null;
  reportedRole: "primary" | "standby" | null;
  walReceiverStatus: string | null;
  lagSeconds: number | null;
}

/** One witness probe between two regions, with its time on the control plane's clock. */
export interface RegionProbe {
  fromRegionId: string;
  toRegionId: string;
  reachable: boolean;
  rttMs: number | null;
  observedAt: Date;
}

export interface ReadRouteFacts {
  now: Date;
  /** The region the client is in (or nearest to). */
  near: string;
  /** The most replay lag, in seconds, the client accepts. */
  maxLagSeconds: number;
  writeReplicaId: string | null;
  replicas: readonly ReadCandidate[];
  datasets: readonly DatasetSnapshot[];
  /** Witness probes between `near` and the replicas' regions, either way. */
  probes: readonly RegionProbe[];
  /** How long a report or a probe stays current: the service's heartbeat interval × misses. */
  staleAfterMs: number;
}

interface CheckInput {
  replica: ReadCandidate;
  facts: ReadRouteFacts;
}

export interface ReadRouteRule {
  id: string;
  /** What the rule requires of a replica that serves reads, in one sentence. */
  sentence: string;
  /** Why the replica fails the rule, or null when it passes. */
  fails: (input: CheckInput) => string | null;
}

const isWrite = ({ replica, facts }: CheckInput) => replica.id === facts.writeReplicaId;

/** The write replica replays nothing: it is as fresh as the data gets. */
export function readLagSeconds(replica: Pick<ReadCandidate, "id" | "lagSeconds">, writeReplicaId: string | null): number | null {
  return replica.id === writeReplicaId ? 0 : replica.lagSeconds;
}

/**
 * What a replica must satisfy to serve a read, checked in this order; the
 * first it fails excludes it, and that rule's id and reason are what the
 * answer says of it. Ids are stable (clients, tests and the README name
 * them): a new row takes a new id, and an id once used is never given to
 * another row.
 */
export const READ_ROUTE_RULES: readonly ReadRouteRule[] = [
  {
    id: "read-holds-data",
    sentence: "A witness holds no copy of the data, so only a primary or a standby serves reads.",
    fails: ({ replica }) => (replica.role === "witness" ? `${replica.name} is a witness and holds no data` : null),
  },
  {
    id: "read-report-current",
    sentence: "The replica's agent reported within the staleness window: what is known of it is now, not history.",
    fails: ({ replica }) =>
      replica.health === "stale" ? `${replica.name}'s latest report is older than the staleness window` : replica.health === "unknown" ? `${replica.name}'s agent has not reported yet` : null,
  },
  {
    id: "read-server-answers",
    sentence: "The replica's agent reaches its server.",
    fails: ({ replica }) => (replica.reachable === false ? `${replica.name}'s agent cannot reach its server` : null),
  },
  {
    id: "read-role-as-topology",
    sentence: "The replica reports the role the topology gives it: a standby that says it is a primary (or the reverse) has split from the service.",
    fails: ({ replica }) =>
      replica.reportedRole === replica.role ? null : `${replica.name} reports itself as ${replica.reportedRole ?? "of unknown role"}; the topology says ${replica.role}`,
  },
  {
    id: "read-serving",
    sentence: "A primary serves reads only while it is the service's write replica, and a standby only while it streams from its upstream.",
    fails: (input) => {
      const { replica } = input;
      if (replica.role === "primary") return isWrite(input) ? null : `${replica.name} is a primary but not the service's write replica`;
      return replica.walReceiverStatus === "streaming" ? null : `${replica.name} is not streaming from its upstream (WAL receiver ${replica.walReceiverStatus ?? "absent"})`;
    },
  },
  {
    id: "read-lag-within-limit",
    sentence: "The replica's replay lag in seconds is known and at most maxLagSeconds (the write replica lags by nothing).",
    fails: ({ replica, facts }) => {
      const lag = readLagSeconds(replica, facts.writeReplicaId);
      if (lag === null) return `${replica.name}'s lag in seconds is not known`;
      return lag <= facts.maxLagSeconds ? null : `${replica.name} lags ${lag} s, more than the limit of ${facts.maxLagSeconds} s`;
    },
  },
  {
    id: "read-residency-allows",
    sentence: "Every dataset's residency rules allow the replica's region, the same rules that decide where a dataset may fail over.",
    fails: ({ replica, facts }) => {
      const violations = residencyViolations(replica, facts.datasets);
      return violations.length ? `residency excludes ${replica.regionId}: ${violations.join("; ")}` : null;
    },
  },
];

function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * How far a region is from `near` by the witness RTT matrix: 0 within it,
 * otherwise the median round-trip time of the current probes that got
 * through between the two regions, either way; null when none did.
 */
export function regionDistanceMs(near: string, regionId: string, probes: readonly RegionProbe[], now: Date, staleAfterMs: number): number | null {
  if (regionId === near) return 0;
  const rtts = probes.flatMap((probe) => {
    const between = (probe.fromRegionId === near && probe.toRegionId === regionId) || (probe.fromRegionId === regionId && probe.toRegionId === near);
    const current = now.getTime() - probe.observedAt.getTime() <= staleAfterMs;
    return between && current && probe.reachable && probe.rttMs !== null ? [probe.rttMs] : [];
  });
  return median(rtts);
}

export interface ReadRouteVerdict {
  replicaId: string;
  name: string;
  regionId: string;
  role: ReadCandidate["role"];
  lagSeconds: number | null;
  /** Distance from `near` by the witness RTT matrix; null when no current probe measured it. */
  rttMs: number | null;
  serves: boolean;
  /** The first rule the replica fails, and why; null when it serves. */
  rule: string | null;
  reason: string | null;
}

export interface ReadRoute {
  /** The replica to read from; null when none qualifies. */
  replicaId: string | null;
  sentence: string;
  /** Every replica, the one chosen first, then the others that qualify by closeness, then those excluded, each with why. */
  verdicts: ReadRouteVerdict[];
}

/** Closest first (unknown distance after every known one), then the least lag, then the name: the same choice every time for the same facts. */
function closer(a: ReadRouteVerdict, b: ReadRouteVerdict): number {
  return (a.rttMs ?? Number.POSITIVE_INFINITY) - (b.rttMs ?? Number.POSITIVE_INFINITY) || (a.lagSeconds ?? 0) - (b.lagSeconds ?? 0) || a.name.localeCompare(b.name);
}

/**
 * Where a client near a region should read: the closest replica that every
 * rule of READ_ROUTE_RULES lets serve, or none, never a stale or
 * non-compliant one. A pure function of one topology read and its `now`.
 */
export function chooseReadReplica(facts: ReadRouteFacts): ReadRoute {
  const verdicts = facts.replicas.map((replica): ReadRouteVerdict => {
    const input = { replica, facts };
    let failed: { rule: string; reason: string } | null = null;
    for (const rule of READ_ROUTE_RULES) {
      const reason = rule.fails(input);
      if (reason !== null) {
        failed = { rule: rule.id, reason };
        break;
      }
    }
    return {
      replicaId: replica.id,
      name: replica.name,
      regionId: replica.regionId,
      role: replica.role,
      lagSeconds: readLagSeconds(replica, facts.writeReplicaId),
      rttMs: regionDistanceMs(facts.near, replica.regionId, facts.probes, facts.now, facts.staleAfterMs),
      serves: failed === null,
      rule: failed?.rule ?? null,
      reason: failed?.reason ?? null,
    };
  });
  const serving = verdicts.filter((verdict) => verdict.serves).sort(closer);
  const excluded = verdicts.filter((verdict) => !verdict.serves).sort((a, b) => a.name.localeCompare(b.name));
  const chosen = serving[0];
  if (!chosen) {
    return {
      replicaId: null,
      sentence: facts.replicas.length
        ? `No replica may serve reads near ${facts.near} within ${facts.maxLagSeconds} s of lag: ${excluded.map((verdict) => verdict.reason).join("; ")}`
        : `No replica may serve reads near ${facts.near}: the service has no replicas`,
      verdicts: excluded,
    };
  }
  const distance = chosen.rttMs === null ? "no current witness probe measures its distance" : chosen.rttMs === 0 ? `it is in ${facts.near}` : `${chosen.rttMs} ms round trip from ${facts.near}`;
  return {
    replicaId: chosen.replicaId,
    sentence: `Read from ${chosen.name} in ${chosen.regionId}: ${distance}, lag ${chosen.lagSeconds} s within ${facts.maxLagSeconds} s`,
    verdicts: [...serving, ...excluded],
  };
}
