import "server-only";
import { type FleetDocument, type FleetReplica, type FleetService, regionIdOf } from "@/contracts/topology";
import { proposalDiff, REGIONS_SCOPE, retiredServiceOf, type TopologyChange } from "@/core/topology/topology-diff";
import { ACTIVE_AGENT } from "../agents/active-agent";
import { revokeAgentIn } from "../agents/revoke-agent";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import type { Tx } from "../db/transaction";

/** Serialises every topology change, whoever applies it (one at a time is plenty: they are rare). */
const TOPOLOGY_LOCK = 0x5359_544f; // "SYTO"

export async function lockTopology(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TOPOLOGY_LOCK}::int)`;
}

/** A scope's revision, under the topology lock. */
export async function scopeRevision(tx: Tx, scope: string): Promise<number> {
  return (await tx.topologyScope.findUnique({ where: { scope } }))?.revision ?? 0;
}

/** One part of a fleet document: the regions it names, or one service. */
export function scopeSlice(document: FleetDocument, scope: string): FleetDocument {
  if (scope === REGIONS_SCOPE) return { version: 1, regions: document.regions, services: [] };
  return { version: 1, regions: [], services: document.services.filter((service) => `service:${service.id}` === scope) };
}

const replicaData = (replica: FleetReplica) => ({
  regionId: replica.region,
  host: replica.host,
  port: replica.port,
  databaseName: replica.database,
  replication: replica.replication,
  promotionPriority: replica.promotionPriority,
  noPromote: replica.noPromote,
});

async function writeRegions(tx: Tx, after: FleetDocument): Promise<void> {
  for (const region of after.regions) {
    const data = { cloud: region.cloud, code: region.code, jurisdiction: region.jurisdiction, displayName: region.displayName };
    await tx.region.upsert({ where: { id: regionIdOf(region) }, create: { id: regionIdOf(region), ...data }, update: data });
  }
}

/**
 * Makes the service exactly `after` says. Retired replicas keep their row
 * (history, samples and audit events stay readable) and lose their agent; a
 * retired replica's name may be taken by a new one. The write route of an
 * existing service is not touched: the primary moves by a runbook.
 */
async function writeService(tx: Tx, before: FleetService | undefined, after: FleetService, actor: AuditActor): Promise<void> {
  const { id } = after;
  if (!before) await tx.service.create({ data: { id, name: after.name, description: after.description, labels: after.labels, engine: after.engine } });
  else await tx.service.update({ where: { id }, data: { name: after.name, description: after.description, labels: after.labels } });

  const datasets = new Set(after.datasets.map((dataset) => dataset.name));
  await tx.dataset.deleteMany({ where: { serviceId: id, name: { notIn: [...datasets] } } });
  for (const dataset of after.datasets) {
    const data = { ownerTeam: dataset.ownerTeam, consistency: dataset.consistency, rpoSeconds: dataset.rpoSeconds, rtoSeconds: dataset.rtoSeconds };
    await tx.dataset.upsert({ where: { serviceId_name: { serviceId: id, name: dataset.name } }, create: { serviceId: id, name: dataset.name, ...data }, update: data });
  }

  const live = await tx.replica.findMany({ where: { serviceId: id, retiredAt: null }, include: { agents: ACTIVE_AGENT } });
  const wanted = new Map(after.replicas.map((replica) => [replica.name, replica]));
  for (const replica of live.filter((candidate) => !wanted.has(candidate.name))) {
    await tx.replica.update({ where: { id: replica.id }, data: { retiredAt: new Date() } });
    for (const agent of replica.agents) await revokeAgentIn(tx, agent.id, actor, `replica ${replica.name} was retired from ${id}`);
  }
  for (const replica of after.replicas) {
    const existing = live.find((candidate) => candidate.name === replica.name);
    const role = replica.witnessOnly ? "witness" : !before && replica.name === after.primary ? "primary" : existing?.role === "primary" ? "primary" : "standby";
    if (existing) await tx.replica.update({ where: { id: existing.id }, data: { ...replicaData(replica), role } });
    else await tx.replica.create({ data: { serviceId: id, name: replica.name, engine: after.engine, role, ...replicaData(replica) } });
  }
  if (!before) {
    const primary = await tx.replica.findFirstOrThrow({ where: { serviceId: id, name: after.primary, retiredAt: null } });
    await tx.service.update({ where: { id }, data: { writeReplicaId: primary.id } });
  }
}

/**
 * Retires a service: it and its active replicas are retired at one moment
 * (its replicas' rows, samples and audit events stay readable; the moment
 * tells which replicas it had then), their agents revoked, and what the
 * decider held for it dropped: nothing acts on it any more.
 */
async function retireServiceIn(tx: Tx, id: string, actor: AuditActor): Promise<void> {
  const at = new Date();
  await tx.service.update({ where: { id }, data: { retiredAt: at } });
  const replicas = await tx.replica.findMany({ where: { serviceId: id, retiredAt: null }, include: { agents: ACTIVE_AGENT } });
  await tx.replica.updateMany({ where: { serviceId: id, retiredAt: null }, data: { retiredAt: at } });
  for (const agent of replicas.flatMap((replica) => replica.agents)) await revokeAgentIn(tx, agent.id, actor, `service ${id} was retired`);
  await tx.automationDecision.deleteMany({ where: { serviceId: id } });
}

/**
 * Applies one scope of a topology change (a service scope whose `after`
 * holds no service retires it), moves its revision on and audits it
 * (`topology.apply`, with the readable diff), all in the caller's
 * transaction, which holds the topology lock.
 */
export async function writeScope(
  tx: Tx,
  input: { scope: string; before: FleetDocument; after: FleetDocument; actor: AuditActor; reason: string; changeRequestId?: string },
): Promise<number> {
  const { scope, before, after, actor } = input;
  const service = after.services[0];
  const retired = retiredServiceOf(input);
  if (scope === REGIONS_SCOPE) await writeRegions(tx, after);
  else if (service) await writeService(tx, before.services[0], service, actor);
  else if (retired) await retireServiceIn(tx, retired.id, actor);
  const serviceId = (service ?? retired)?.id ?? null;
  return recordScopeChange(tx, { ...input, diff: proposalDiff(before, after), target: serviceId ? { type: "service", id: serviceId } : { type: "regions", id: null }, serviceId });
}

/** Moves a scope's revision on and audits what changed in it (`topology.apply`), in the caller's transaction. */
export async function recordScopeChange(
  tx: Tx,
  input: {
    scope: string;
    before: FleetDocument;
    after: FleetDocument;
    actor: AuditActor;
    reason: string;
    changeRequestId?: string;
    diff: readonly TopologyChange[];
    target: { type: string; id: string | null };
    serviceId: string | null;
  },
): Promise<number> {
  const { scope } = input;
  const { revision } = await tx.topologyScope.upsert({ where: { scope }, create: { scope, revision: 1 }, update: { revision: { increment: 1 } } });
  await appendAuditEvent(tx, {
    actor: input.actor,
    action: "topology.apply",
    target: input.target,
    serviceId: input.serviceId,
    changeRequestId: input.changeRequestId ?? null,
    reason: input.reason,
    before: input.before,
    after: input.after,
    details: { scope, revision, diff: input.diff.map((change) => change.text) },
  });
  return revision;
}
