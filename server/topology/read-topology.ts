import "server-only";
import type pg from "pg";
import type { ReportedSettings, ReportedStandby, ServiceTopology, ReplicaPageFacts, TopologyReplica } from "@/core/topology/service-topology";
import type { GrantedLease } from "@/core/replication/lease-lapse";
import type { WitnessLink } from "@/core/replication/witness-link";
import { judgeReplica, observationFrom, type ReportFacts, serviceBudgets } from "@/core/fleet/judge-replica";
import { bigintOf } from "@/core/lsn";
import { inOneSnapshot } from "../db/one-snapshot";
import { sqlPool } from "../db/sql-pool";
import { policiesInForce, policyOfService } from "../policy/effective-policy";

type Consistency = "strong" | "eventual";

interface ServiceRow {
  id: string;
  epoch: number;
  writeReplicaId: string | null;
  datasets: { name: string; consistency: Consistency; rpoSeconds: number }[];
}

interface ReplicaRow {
  id: string;
  regionId: string;
  jurisdiction: string;
  name: string;
  role: "primary" | "standby" | "witness";
  replication: "sync" | "async";
  promotionPriority: number;
  noPromote: boolean;
  hasAgent: boolean;
  /** Milliseconds since the epoch; null until its agent first reports. */
  receivedAt: number | null;
  page: ReplicaPageFacts | null;
  reachable: boolean | null;
  reportedRole: "primary" | "standby" | "witness" | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  currentLsn: string | null;
  receivedLsn: string | null;
  replayedLsn: string | null;
  facts: ReportFacts;
  standbys: ReportedStandby[];
  settings: ReportedSettings | null;
  slots: TopologyReplica["slots"];
  /** For a replica its agent no longer reaches: what it last said while it did. */
  lastServing: { standbys: ReportFacts["standbys"]; current: string | null } | null;
}

/** Of a report's standbys, what the automation reads: name, state and sync state. */
type StandbyTuple = [applicationName: string, state: string | null, syncState: string | null];

const standbysOf = (tuples: StandbyTuple[] | null): ReportedStandby[] =>
  tuples ? tuples.map(([applicationName, state, syncState]) => ({ applicationName, state, syncState })) : [];

/** `ReplicaState.facts`, as the store's trigger writes them from each report. */
type StoredFacts = [
  error: string | null,
  walReceiverStatus: string | null,
  settings: [synchronousCommit: string | null, synchronousStandbyNames: string | null, readOnly: string | null] | null,
  standbys: StandbyTuple[] | null,
  slots: [name: string, retainedBytes: number | null][] | null,
];

/** A replica as the replicas statement sends it: a JSON array in this order, cheaper to build and read by the thousand than an object. */
type ReplicaTuple = [
  id: string,
  regionId: string,
  jurisdiction: string,
  name: string,
  role: ReplicaRow["role"],
  replication: ReplicaRow["replication"],
  promotionPriority: number,
  noPromote: boolean,
  hasAgent: boolean,
  receivedAt: number | null,
  reachable: boolean | null,
  reportedRole: ReplicaRow["reportedRole"],
  lagBytes: number | null,
  lagSeconds: number | null,
  currentLsn: string | null,
  receivedLsn: string | null,
  replayedLsn: string | null,
  facts: StoredFacts | null,
  lastServing: [standbys: StandbyTuple[] | null, current: string | null] | null,
  page: [
    agent: [id: string, name: string, version: string | null, lastHeartbeatAt: number | null, clockSkewMs: number | null] | null,
    observedAt: number | null,
    timeline: number | null,
    queryLatencyMs: number | null,
    recoveryConflicts: number | null,
    logicalConflicts: number | null,
  ] | null,
];

function replicaRow(tuple: ReplicaTuple): ReplicaRow {
  const [id, regionId, jurisdiction, name, role, replication, promotionPriority, noPromote, hasAgent, receivedAt, reachable, reportedRole, lagBytes, lagSeconds] = tuple;
  const [, , , , , , , , , , , , , , currentLsn, receivedLsn, replayedLsn, facts, lastServing, page] = tuple;
  const [error, walReceiverStatus, settings, standbyTuples, slots] = facts ?? [null, null, null, null, null];
  const standbys = standbysOf(standbyTuples);
  const ms = (value: number | null) => (value === null ? null : new Date(value));
  return {
    id, regionId, jurisdiction, name, role, replication, promotionPriority, noPromote, hasAgent, receivedAt, reachable, reportedRole, lagBytes, lagSeconds,
    currentLsn, receivedLsn, replayedLsn,
    page: page && {
      agent: page[0] && { id: page[0][0], name: page[0][1], version: page[0][2], lastHeartbeatAt: ms(page[0][3]), clockSkewMs: page[0][4] },
      observedAt: ms(page[1]), timeline: page[2], queryLatencyMs: page[3], recoveryConflicts: page[4], logicalConflicts: page[5],
    },
    facts: { error, walReceiverStatus, synchronousStandbyNames: settings?.[1] ?? null, standbys },
    standbys,
    settings: settings && { synchronous_commit: settings[0], synchronous_standby_names: settings[1], default_transaction_read_only: settings[2] },
    slots: (slots ?? []).map(([slotName, retainedBytes]) => ({ name: slotName, retainedBytes })),
    lastServing: lastServing && { standbys: standbysOf(lastServing[0]), current: lastServing[1] },
  };
}

interface LeaseRow extends GrantedLease {
  replicaId: string;
}

/** Which services to read: every live one, or the ones named (a service page, a run). */
export type Scope = readonly string[] | null;

async function services(client: pg.ClientBase, scope: Scope, retired: boolean): Promise<ServiceRow[]> {
  const { rows } = await client.query<ServiceRow>({
    name: "topology-services",
    text: `
      SELECT s.id, s.epoch, s."writeReplicaId",
             coalesce(json_agg(json_build_object('name', d.name, 'consistency', d.consistency, 'rpoSeconds', d."rpoSeconds") ORDER BY d.name)
                      FILTER (WHERE d.id IS NOT NULL), '[]') AS datasets
        FROM "Service" s LEFT JOIN "Dataset" d ON d."serviceId" = s.id
       WHERE (s."retiredAt" IS NULL OR $2) AND ($1::text[] IS NULL OR s.id = ANY($1))
       GROUP BY s.id ORDER BY s.id`,
    values: [scope, retired],
  });
  return rows;
}

/**
 * Every live replica with its latest state, one row per service in the order
 * a service page lists them (three thousand replicas cost more to read row by
 * row than as one JSON document per service); of the stored report only what
 * the automation reads leaves the database (the whole report is kilobytes,
 * thousands of times over): the facts the store keeps beside each report
 * (`ReplicaState.facts`), not the report itself.
 */
async function replicas(client: pg.ClientBase, scope: Scope, retired: boolean, page: boolean): Promise<Map<string, ReplicaRow[]>> {
  const { rows } = await client.query<{ serviceId: string; replicas: ReplicaTuple[] }>({
    name: "topology-replicas",
    text: `
      SELECT r."serviceId", json_agg(json_build_array(
               r.id, r."regionId", g.jurisdiction, r.name, r.role, r.replication, r."promotionPriority", r."noPromote",
               EXISTS (SELECT 1 FROM "Agent" a WHERE a."replicaId" = r.id AND a."revokedAt" IS NULL),
               extract(epoch FROM s."receivedAt") * 1000, s.reachable, s.role, s."lagBytes", s."lagSeconds",
               s."currentLsn"::text, s."receivedLsn"::text, s."replayedLsn"::text,
               s.facts, CASE WHEN NOT s.reachable THEN s."lastServingFacts" END,
               CASE WHEN $3 THEN json_build_array(
                 (SELECT json_build_array(a.id, a.name, a.version, extract(epoch FROM a."lastHeartbeatAt") * 1000, a."clockSkewMs")
                    FROM "Agent" a WHERE a."replicaId" = r.id AND a."revokedAt" IS NULL),
                 extract(epoch FROM s."observedAt") * 1000, s.timeline, s."queryLatencyMs", s."recoveryConflicts", s."logicalConflicts") END
             ) ORDER BY r.role, r."promotionPriority" DESC, r.name) AS replicas
        FROM "Replica" r
        JOIN "Service" v ON v.id = r."serviceId" AND (v."retiredAt" IS NULL OR $2)
        JOIN "Region" g ON g.id = r."regionId"
        LEFT JOIN "ReplicaState" s ON s."replicaId" = r.id
       WHERE r."retiredAt" IS NOT DISTINCT FROM v."retiredAt" AND ($1::text[] IS NULL OR r."serviceId" = ANY($1))
       GROUP BY r."serviceId"`,
    values: [scope, retired, page],
  });
  return new Map(rows.map((row) => [row.serviceId, row.replicas.map(replicaRow)]));
}

/**
 * The witness links into each service's write replica, one row per service:
 * the automation judges only the primary by what its witnesses see (a
 * standby's health is its own agent's word), and thousands of links cost
 * more to read row by row than as one JSON document per service, with their
 * times as milliseconds since the epoch.
 */
async function witnessLinks(client: pg.ClientBase, scope: Scope, retired: boolean): Promise<Map<string, WitnessLink[]>> {
  const { rows } = await client.query<{ serviceId: string; links: [string, string, string, boolean, number | null, number][] }>({
    name: "topology-witness-links",
    text: `
      SELECT t."serviceId",
             json_agg(json_build_array(w."fromReplicaId", f."regionId", w."toReplicaId", w.reachable,
                                       extract(epoch FROM w."unreachableSince") * 1000, extract(epoch FROM w."observedAt") * 1000)) AS links
        FROM "Service" s
        JOIN "Replica" t ON t.id = s."writeReplicaId"
        JOIN "WitnessLink" w ON w."toReplicaId" = t.id
        JOIN "Replica" f ON f.id = w."fromReplicaId"
       WHERE (s."retiredAt" IS NULL OR $2) AND ($1::text[] IS NULL OR s.id = ANY($1))
       GROUP BY t."serviceId"`,
    values: [scope, retired],
  });
  return new Map(
    rows.map((row) => [
      row.serviceId,
      row.links.map(([fromReplicaId, fromRegionId, toReplicaId, reachable, unreachableSince, observedAt]) => ({
        fromReplicaId,
        fromRegionId,
        toReplicaId,
        reachable,
        unreachableSince: unreachableSince === null ? null : new Date(unreachableSince),
        observedAt: new Date(observedAt),
      })),
    ]),
  );
}

/** The lease of each service's write replica, as last granted. */
async function writeLeases(client: pg.ClientBase, scope: Scope, retired: boolean): Promise<LeaseRow[]> {
  const { rows } = await client.query<LeaseRow>({
    name: "topology-write-leases",
    text: `
      SELECT l."replicaId", l."renewedAt", l."periodMs", l.witnesses, l."lapseRecordedAt"
        FROM "Service" s JOIN "PrimaryLease" l ON l."replicaId" = s."writeReplicaId"
       WHERE (s."retiredAt" IS NULL OR $2) AND ($1::text[] IS NULL OR s.id = ANY($1))`,
    values: [scope, retired],
  });
  return rows;
}

/**
 * A replica as every reader judges it. A standby's sync state is what the
 * service's reports say of it; while the write replica no longer answers its
 * agent, what that primary last said while it did: the latest report of a
 * lost primary only says it does not answer, and a candidate is proven safe
 * by what came before.
 */
function topologyReplica(row: ReplicaRow, service: ServiceRow, syncStates: Map<string, string | null>, served: ReplicaRow["lastServing"], budgets: ReturnType<typeof serviceBudgets>, now: Date): TopologyReplica {
  const isWrite = row.id === service.writeReplicaId;
  const receivedAt = row.receivedAt === null ? null : new Date(row.receivedAt);
  const observation =
    receivedAt === null || row.reachable === null ? null : observationFrom({ receivedAt, reachable: row.reachable, role: row.reportedRole, lagBytes: row.lagBytes, lagSeconds: row.lagSeconds }, row.facts);
  const servedSync = served && !isWrite ? served.standbys.find((standby) => standby.applicationName === row.name) : undefined;
  const readOnly = row.settings?.default_transaction_read_only ?? null;
  const verdict = judgeReplica(row.role, observation, budgets, now);
  return {
    id: row.id,
    name: row.name,
    regionId: row.regionId,
    jurisdiction: row.jurisdiction,
    role: row.role,
    replication: row.replication,
    promotionPriority: row.promotionPriority,
    noPromote: row.noPromote,
    hasAgent: row.hasAgent,
    health: verdict.health,
    reasons: verdict.reasons,
    page: row.page,
    reachable: row.reachable,
    reportedRole: row.reportedRole === "primary" || row.reportedRole === "standby" ? row.reportedRole : null,
    walReceiverStatus: row.facts.walReceiverStatus,
    syncState: served && !isWrite ? (servedSync?.syncState ?? syncStates.get(row.name) ?? null) : (syncStates.get(row.name) ?? null),
    lagBytes: row.lagBytes,
    replayedLsn: bigintOf(row.replayedLsn),
    lagSeconds: row.lagSeconds,
    lastReportAt: receivedAt,
    currentLsn: served && isWrite ? bigintOf(served.current) : bigintOf(row.currentLsn),
    // The WAL receiver's received position is what it has written and flushed to disk.
    flushedLsn: bigintOf(row.receivedLsn),
    readOnly: readOnly === null ? null : readOnly === "on",
    synchronousStandbyNames: row.facts.synchronousStandbyNames,
    standbys: row.standbys,
    slots: row.slots,
    settings: row.settings,
  };
}

/**
 * Every live service's topology (or the ones named; with `retired`, a retired
 * one named as it was when retired, with the replicas retired with it; with
 * `page`, what the service page alone shows too), in a fixed number of
 * statements whatever the fleet's size, all seeing the store at one moment
 * (one repeatable-read snapshot, over two sessions), judged with one
 * `now`: its datasets, its replicas with their latest reports, the witness
 * links into its write replica, that replica's lease and the policy in force.
 */
export async function readTopology(now: Date, scope: Scope = null, options: { retired?: boolean; page?: boolean } = {}): Promise<ServiceTopology[]> {
  const retired = options.retired ?? false;
  const page = options.page ?? false;
  // The replicas are the widest read: on a session of their own, beside the rest, in the same snapshot.
  const read = await inOneSnapshot(sqlPool(), 2, async ([first, second]) => {
    const [replicasOf, rest] = await Promise.all([
      replicas(second!, scope, retired, page),
      (async () => ({
        services: await services(first!, scope, retired),
        links: await witnessLinks(first!, scope, retired),
        leases: await writeLeases(first!, scope, retired),
        policies: await policiesInForce(scope, first!),
      }))(),
    ]);
    return { ...rest, replicas: replicasOf };
  });
  const leaseOf = new Map(read.leases.map(({ replicaId, ...lease }) => [replicaId, lease]));
  return read.services.map((service) => {
    const policy = policyOfService(read.policies, service.id) ?? null;
    const budgets = serviceBudgets(policy?.document, service.datasets);
    const rows = read.replicas.get(service.id) ?? [];
    const syncStates = new Map<string, string | null>();
    for (const row of rows) for (const standby of row.standbys) syncStates.set(standby.applicationName, standby.syncState);
    const served = rows.find((row) => row.id === service.writeReplicaId)?.lastServing ?? null;
    return {
      serviceId: service.id,
      epoch: service.epoch,
      writeReplicaId: service.writeReplicaId,
      datasets: service.datasets.map((dataset) => ({ ...dataset, residency: policy?.document.datasets[dataset.name]?.residency ?? null })),
      replicas: rows.map((row) => topologyReplica(row, service, syncStates, served, budgets, now)),
      witnesses: read.links.get(service.id) ?? [],
      primaryLease: service.writeReplicaId ? (leaseOf.get(service.writeReplicaId) ?? null) : null,
      policy: policy && { version: policy.version, versionId: policy.versionId, document: policy.document },
      staleAfterMs: budgets.staleAfterMs,
    };
  });
}
