import "server-only";
import { type AutomationPolicy, type AutomationReplica, type AutomationSnapshot } from "@/core/automation/snapshot";
import type { GrantedLease } from "@/core/replication/lease-lapse";
import type { WitnessLink } from "@/core/replication/witness-link";
import { judgeReplica, observationFrom, type ReportFacts, serviceBudgets } from "@/core/fleet/judge-replica";
import { bigintOf } from "@/core/lsn";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { sqlPool } from "../db/sql-pool";
import { effectivePolicies, type EffectivePolicy, livePolicies } from "../policy/effective-policy";
import { automationControls } from "./automation-controls";

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
  reachable: boolean | null;
  reportedRole: "primary" | "standby" | "witness" | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  currentLsn: string | null;
  receivedLsn: string | null;
  replayedLsn: string | null;
  facts: ReportFacts;
  /** default_transaction_read_only as last reported. */
  readOnly: string | null;
  /** For a replica its agent no longer reaches: what it last said while it did. */
  lastServing: { standbys: ReportFacts["standbys"]; current: string | null } | null;
}

/** Of a report's standbys, what the automation reads: name, state and sync state. */
type StandbyTuple = [applicationName: string, state: string | null, syncState: string | null];

const standbysOf = (tuples: StandbyTuple[] | null): ReportFacts["standbys"] =>
  tuples ? tuples.map(([applicationName, state, syncState]) => ({ applicationName, state, syncState })) : [];

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
  error: string | null,
  walReceiverStatus: string | null,
  synchronousStandbyNames: string | null,
  readOnly: string | null,
  standbys: StandbyTuple[] | null,
  lastServing: [standbys: StandbyTuple[] | null, current: string | null] | null,
];

function replicaRow(tuple: ReplicaTuple): ReplicaRow {
  const [id, regionId, jurisdiction, name, role, replication, promotionPriority, noPromote, hasAgent, receivedAt, reachable, reportedRole, lagBytes, lagSeconds] = tuple;
  const [, , , , , , , , , , , , , , currentLsn, receivedLsn, replayedLsn, error, walReceiverStatus, synchronousStandbyNames, readOnly, standbys, lastServing] = tuple;
  return {
    id, regionId, jurisdiction, name, role, replication, promotionPriority, noPromote, hasAgent, receivedAt, reachable, reportedRole, lagBytes, lagSeconds,
    currentLsn, receivedLsn, replayedLsn, readOnly,
    facts: { error, walReceiverStatus, synchronousStandbyNames, standbys: standbysOf(standbys) },
    lastServing: lastServing && { standbys: standbysOf(lastServing[0]), current: lastServing[1] },
  };
}

interface LeaseRow extends GrantedLease {
  replicaId: string;
}

/** Which services to read: every live one, or the ones named (a service page). */
type Scope = readonly string[] | null;

async function services(scope: Scope): Promise<ServiceRow[]> {
  const { rows } = await sqlPool().query<ServiceRow>({
    name: "automation-services",
    text: `
      SELECT s.id, s.epoch, s."writeReplicaId",
             coalesce(json_agg(json_build_object('name', d.name, 'consistency', d.consistency, 'rpoSeconds', d."rpoSeconds") ORDER BY d.name)
                      FILTER (WHERE d.id IS NOT NULL), '[]') AS datasets
        FROM "Service" s LEFT JOIN "Dataset" d ON d."serviceId" = s.id
       WHERE s."retiredAt" IS NULL AND ($1::text[] IS NULL OR s.id = ANY($1))
       GROUP BY s.id ORDER BY s.id`,
    values: [scope],
  });
  return rows;
}

/**
 * Every live replica with its latest state, one row per service in the order
 * a service page lists them (three thousand replicas cost more to read row by
 * row than as one JSON document per service); of the stored report only what
 * the automation reads leaves the database (the whole report is kilobytes,
 * thousands of times over).
 */
async function replicas(scope: Scope): Promise<Map<string, ReplicaRow[]>> {
  const { rows } = await sqlPool().query<{ serviceId: string; replicas: ReplicaTuple[] }>({
    name: "automation-replicas",
    text: `
      SELECT r."serviceId", json_agg(json_build_array(
               r.id, r."regionId", g.jurisdiction, r.name, r.role, r.replication, r."promotionPriority", r."noPromote",
               EXISTS (SELECT 1 FROM "Agent" a WHERE a."replicaId" = r.id AND a."revokedAt" IS NULL),
               extract(epoch FROM s."receivedAt") * 1000, s.reachable, s.role, s."lagBytes", s."lagSeconds",
               s."currentLsn"::text, s."receivedLsn"::text, s."replayedLsn"::text,
               s.report->>'error', s.report#>>'{walReceiver,status}',
               s.report#>>'{settings,synchronous_standby_names}', s.report#>>'{settings,default_transaction_read_only}',
               (SELECT json_agg(json_build_array(x->>'applicationName', x->>'state', x->>'syncState')) FROM jsonb_array_elements(s.report->'standbys') x),
               CASE WHEN NOT s.reachable AND s."lastServingReport" IS NOT NULL
                    THEN json_build_array((SELECT json_agg(json_build_array(x->>'applicationName', x->>'state', x->>'syncState'))
                                             FROM jsonb_array_elements(s."lastServingReport"->'standbys') x),
                                          s."lastServingReport"#>>'{lsn,current}') END
             ) ORDER BY r.role, r."promotionPriority" DESC, r.name) AS replicas
        FROM "Replica" r
        JOIN "Region" g ON g.id = r."regionId"
        LEFT JOIN "ReplicaState" s ON s."replicaId" = r.id
       WHERE r."retiredAt" IS NULL AND ($1::text[] IS NULL OR r."serviceId" = ANY($1))
       GROUP BY r."serviceId"`,
    values: [scope],
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
async function witnessLinks(scope: Scope): Promise<Map<string, WitnessLink[]>> {
  const { rows } = await sqlPool().query<{ serviceId: string; links: [string, string, string, boolean, number | null, number][] }>({
    name: "automation-witness-links",
    text: `
      SELECT t."serviceId",
             json_agg(json_build_array(w."fromReplicaId", f."regionId", w."toReplicaId", w.reachable,
                                       extract(epoch FROM w."unreachableSince") * 1000, extract(epoch FROM w."observedAt") * 1000)) AS links
        FROM "Service" s
        JOIN "Replica" t ON t.id = s."writeReplicaId"
        JOIN "WitnessLink" w ON w."toReplicaId" = t.id
        JOIN "Replica" f ON f.id = w."fromReplicaId"
       WHERE s."retiredAt" IS NULL AND ($1::text[] IS NULL OR s.id = ANY($1))
       GROUP BY t."serviceId"`,
    values: [scope],
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
async function writeLeases(scope: Scope): Promise<LeaseRow[]> {
  const { rows } = await sqlPool().query<LeaseRow>({
    name: "automation-write-leases",
    text: `
      SELECT l."replicaId", l."renewedAt", l."periodMs", l.witnesses, l."lapseRecordedAt"
        FROM "Service" s JOIN "PrimaryLease" l ON l."replicaId" = s."writeReplicaId"
       WHERE s."retiredAt" IS NULL AND ($1::text[] IS NULL OR s.id = ANY($1))`,
    values: [scope],
  });
  return rows;
}

/** Without an effective policy nothing may act: automatic failover off, and a lone witness is enough only to detect. */
function automationPolicy(policy: EffectivePolicy | undefined, staleAfterSeconds: number): AutomationPolicy {
  if (!policy) {
    return { version: null, versionId: null, heartbeatIntervalSeconds: staleAfterSeconds, missesBeforeUnfit: 1, witnessQuorum: 1, automatic: false, maxLagBytes: 0, cooldownSeconds: 0, cooldownAfterSwitchover: false, maintenanceWindows: [] };
  }
  const { heartbeat, witness, failover, maintenanceWindows } = policy.document;
  return {
    version: policy.version,
    versionId: policy.versionId,
    heartbeatIntervalSeconds: heartbeat.intervalSeconds,
    missesBeforeUnfit: heartbeat.missesBeforeUnfit,
    witnessQuorum: witness.quorum,
    automatic: failover.automatic,
    maxLagBytes: failover.maxLagBytes,
    cooldownSeconds: failover.cooldownSeconds,
    cooldownAfterSwitchover: failover.cooldownAfterSwitchover,
    maintenanceWindows,
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * A replica as the automation judges it. A standby's sync state is what the
 * service's reports say of it; while the write replica no longer answers its
 * agent, what that primary last said while it did: the latest report of a
 * lost primary only says it does not answer, and a candidate is proven safe
 * by what came before.
 */
function automationReplica(row: ReplicaRow, service: ServiceRow, syncStates: Map<string, string | null>, served: ReplicaRow["lastServing"], budgets: ReturnType<typeof serviceBudgets>, now: Date): AutomationReplica {
  const isWrite = row.id === service.writeReplicaId;
  const receivedAt = row.receivedAt === null ? null : new Date(row.receivedAt);
  const observation =
    receivedAt === null || row.reachable === null ? null : observationFrom({ receivedAt, reachable: row.reachable, role: row.reportedRole, lagBytes: row.lagBytes, lagSeconds: row.lagSeconds }, row.facts);
  const servedSync = served && !isWrite ? served.standbys.find((standby) => standby.applicationName === row.name) : undefined;
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
    health: judgeReplica(row.role, observation, budgets, now).health,
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
    readOnly: row.readOnly === null ? null : row.readOnly === "on",
    synchronousStandbyNames: row.facts.synchronousStandbyNames,
  };
}

/**
 * What the automation decides on, for every live service (or the ones
 * named), in a fixed number of statements whatever the fleet's size, judged
 * with one `now`: each service's live topology, policy, witness links into
 * it, active run, its primary's lease and the operators' controls.
 */
export async function automationSnapshots(now: Date, scope: Scope = null): Promise<AutomationSnapshot[]> {
  const [serviceRows, replicasOf, linksOf, runs, leases, policyOf, controlsOf] = await Promise.all([
    services(scope),
    replicas(scope),
    witnessLinks(scope),
    db().run.findMany({ where: scope ? { activeForServiceId: { in: [...scope] } } : { activeForServiceId: { not: null } }, select: { id: true, runbookId: true, status: true, activeForServiceId: true } }),
    writeLeases(scope),
    scope ? effectivePolicies(scope).then((policies) => (serviceId: string) => policies.get(serviceId)) : livePolicies(),
    automationControls(scope, now),
  ]);
  const runsOf = groupBy(runs, (run) => run.activeForServiceId!);
  const leaseOf = new Map(leases.map(({ replicaId, ...lease }) => [replicaId, lease]));

  return serviceRows.map((service) => {
    const policy = policyOf(service.id);
    const budgets = serviceBudgets(policy?.document, service.datasets);
    const rows = replicasOf.get(service.id) ?? [];
    const syncStates = new Map<string, string | null>();
    for (const row of rows) for (const standby of row.facts.standbys) syncStates.set(standby.applicationName, standby.syncState);
    const served = rows.find((row) => row.id === service.writeReplicaId)?.lastServing ?? null;
    return {
      serviceId: service.id,
      epoch: service.epoch,
      writeReplicaId: service.writeReplicaId,
      datasets: service.datasets.map((dataset) => ({ name: dataset.name, consistency: dataset.consistency, residency: policy?.document.datasets[dataset.name]?.residency ?? null })),
      replicas: rows.map((row) => automationReplica(row, service, syncStates, served, budgets, now)),
      witnesses: linksOf.get(service.id) ?? [],
      activeRuns: (runsOf.get(service.id) ?? []).map(({ activeForServiceId: _, ...run }) => run),
      primaryLease: service.writeReplicaId ? (leaseOf.get(service.writeReplicaId) ?? null) : null,
      controls: controlsOf(service.id),
      policy: automationPolicy(policy, budgets.staleAfterMs / 1000),
    };
  });
}

/** One live service's snapshot, read the same way (its page; a run waiting for the old primary's lease). */
export async function automationSnapshot(serviceId: string, now: Date): Promise<AutomationSnapshot> {
  const [snapshot] = await automationSnapshots(now, [serviceId]);
  if (!snapshot) throw new NotFoundError(`No live service with id ${serviceId}.`);
  return snapshot;
}
