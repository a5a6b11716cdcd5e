import { canonicalJson, toJsonValue } from "../audit/canonical-json";
import { type FleetDataset, type FleetDocument, type FleetRegion, type FleetReplica, type FleetService, regionIdOf } from "@/contracts/topology";

/**
 * One difference between the live topology and a proposal, readable on its
 * own ("replica pg-eu-west-1: promotionPriority 90 → 50"). `governed`: it can
 * alter what a failover does, so it needs approvals (GOVERNED_FIELDS).
 */
export interface TopologyChange {
  /** `service:<id>` or `regions`: the part of the topology it belongs to. */
  scope: string;
  /** `replicas.pg-eu-west-1.promotionPriority`, `datasets.orders`, `regions.aws:us-east-1.jurisdiction`. */
  field: string;
  kind: "added" | "removed" | "changed";
  before: unknown;
  after: unknown;
  text: string;
  governed: boolean;
}

export const REGIONS_SCOPE = "regions";
export const serviceScope = (serviceId: string) => `service:${serviceId}`;

/**
 * What can alter what a failover does, and why; anything else (names,
 * descriptions, owners, the RTO budget) an admin may change directly, audited.
 * Adding or removing a replica or a dataset is always governed.
 */
export const GOVERNED_FIELDS: Readonly<Record<string, string>> = {
  "replica.region": "where a replica lives decides residency and which witnesses judge it",
  "replica.host": "commands, re-pointing and witnesses reach the replica at its endpoint",
  "replica.port": "commands, re-pointing and witnesses reach the replica at its endpoint",
  "replica.database": "commands, re-pointing and witnesses reach the replica at its endpoint",
  "replica.replication": "a synchronous standby is the one a strong dataset may fail over to",
  "replica.promotionPriority": "candidate selection prefers the higher priority",
  "replica.noPromote": "a replica that may never be promoted is no candidate",
  "replica.witnessOnly": "a witness holds no data and is no candidate",
  "dataset.consistency": "a strong dataset fails over only to a synchronous standby that has everything",
  "dataset.rpoSeconds": "an eventual dataset's RPO budget bounds the lag a candidate may have",
  "region.jurisdiction": "residency rules name jurisdictions",
};

const REPLICA_FIELDS = ["region", "host", "port", "database", "replication", "promotionPriority", "noPromote", "witnessOnly"] as const satisfies readonly (keyof FleetReplica)[];
const DATASET_FIELDS = ["ownerTeam", "consistency", "rpoSeconds", "rtoSeconds"] as const satisfies readonly (keyof FleetDataset)[];
const SERVICE_FIELDS = ["name", "description", "labels", "engine"] as const satisfies readonly (keyof FleetService)[];
const REGION_FIELDS = ["jurisdiction", "displayName"] as const satisfies readonly (keyof FleetRegion)[];

/** Labels are an object: equal when they hold the same pairs, in whatever order. */
const sameValue = (a: unknown, b: unknown) => a === b || (typeof a === "object" && typeof b === "object" && a !== null && b !== null && canonicalJson(toJsonValue(a)) === canonicalJson(toJsonValue(b)));

const shown = (value: unknown) => (typeof value === "string" ? (value === "" ? '""' : value) : JSON.stringify(value));

function fieldChanges<T, K extends keyof T & string>(
  scope: string,
  path: string,
  label: string,
  entity: "replica" | "dataset" | "service" | "region",
  fields: readonly K[],
  before: T,
  after: T,
): TopologyChange[] {
  return fields.flatMap((field) =>
    sameValue(before[field], after[field])
      ? []
      : [
          {
            scope,
            field: `${path}.${field}`,
            kind: "changed" as const,
            before: before[field],
            after: after[field],
            text: `${label}: ${field} ${shown(before[field])} → ${shown(after[field])}`,
            governed: `${entity}.${field}` in GOVERNED_FIELDS,
          },
        ],
  );
}

/** Entities matched by name: what was added, removed, and kept (with both sides). */
function byName<T extends { name: string }>(before: readonly T[], after: readonly T[]) {
  const old = new Map(before.map((item) => [item.name, item]));
  const now = new Map(after.map((item) => [item.name, item]));
  return {
    added: after.filter((item) => !old.has(item.name)),
    removed: before.filter((item) => !now.has(item.name)),
    kept: after.flatMap((item) => (old.has(item.name) ? [[old.get(item.name)!, item] as const] : [])),
  };
}

const describeReplica = (replica: FleetReplica) =>
  `${replica.name} in ${replica.region} at ${replica.host}:${replica.port}/${replica.database}, ${replica.witnessOnly ? "witness only" : replica.replication}${replica.noPromote ? ", never promoted" : ""}, priority ${replica.promotionPriority}`;
const describeDataset = (dataset: FleetDataset) =>
  `${dataset.name} (${dataset.consistency}, owner ${dataset.ownerTeam}, RPO ${dataset.rpoSeconds} s, RTO ${dataset.rtoSeconds} s)`;

/**
 * A service's changes from `before` (null: it is new) to `after`. Which
 * replica is primary is not compared: the write route moves by a runbook,
 * never by a topology change (planTopology says when a proposal disagrees).
 */
export function diffService(before: FleetService | null, after: FleetService): TopologyChange[] {
  const scope = serviceScope(after.id);
  if (!before) {
    return [
      {
        scope,
        field: "service",
        kind: "added",
        before: null,
        after: { ...after, replicas: after.replicas.map((replica) => replica.name), datasets: after.datasets.map((dataset) => dataset.name) },
        text: `service ${after.id} added (${after.engine}, primary ${after.primary}): replicas ${after.replicas.map(describeReplica).join("; ")}; datasets ${after.datasets.map(describeDataset).join("; ") || "none"}`,
        governed: false,
      },
    ];
  }
  const replicas = byName(before.replicas, after.replicas);
  const datasets = byName(before.datasets, after.datasets);
  return [
    ...fieldChanges(scope, "service", `service ${after.id}`, "service", SERVICE_FIELDS, before, after),
    ...replicas.added.map((replica) => ({ scope, field: `replicas.${replica.name}`, kind: "added" as const, before: null, after: replica, text: `replica added: ${describeReplica(replica)}`, governed: true })),
    ...replicas.removed.map((replica) => ({
      scope,
      field: `replicas.${replica.name}`,
      kind: "removed" as const,
      before: replica,
      after: null,
      text: `replica retired: ${describeReplica(replica)} (its history stays readable; its agent is revoked)`,
      governed: true,
    })),
    ...replicas.kept.flatMap(([old, now]) => fieldChanges(scope, `replicas.${now.name}`, `replica ${now.name}`, "replica", REPLICA_FIELDS, old, now)),
    ...datasets.added.map((dataset) => ({ scope, field: `datasets.${dataset.name}`, kind: "added" as const, before: null, after: dataset, text: `dataset added: ${describeDataset(dataset)}`, governed: true })),
    ...datasets.removed.map((dataset) => ({ scope, field: `datasets.${dataset.name}`, kind: "removed" as const, before: dataset, after: null, text: `dataset removed: ${describeDataset(dataset)}`, governed: true })),
    ...datasets.kept.flatMap(([old, now]) => fieldChanges(scope, `datasets.${now.name}`, `dataset ${now.name}`, "dataset", DATASET_FIELDS, old, now)),
  ];
}

/** The regions a proposal names, against the live ones: new regions, and changes to known ones (an unnamed region is left as it is). */
export function diffRegions(live: readonly FleetRegion[], proposed: readonly FleetRegion[]): TopologyChange[] {
  const known = new Map(live.map((region) => [regionIdOf(region), region]));
  return proposed.flatMap((region) => {
    const id = regionIdOf(region);
    const old = known.get(id);
    if (!old) {
      return [{ scope: REGIONS_SCOPE, field: `regions.${id}`, kind: "added" as const, before: null, after: region, text: `region added: ${id} (${region.displayName}, ${region.jurisdiction})`, governed: false }];
    }
    return fieldChanges(REGIONS_SCOPE, `regions.${id}`, `region ${id}`, "region", REGION_FIELDS, old, region);
  });
}

/** A service leaving the topology: what goes with it, and what stays. Always governed when it is a change request's (RETIREMENT_MODES says when it is not one). */
export function serviceRetired(service: FleetService): TopologyChange {
  return {
    scope: serviceScope(service.id),
    field: "service",
    kind: "removed",
    before: { ...service, replicas: service.replicas.map((replica) => replica.name), datasets: service.datasets.map((dataset) => dataset.name) },
    after: null,
    text: `service ${service.id} retired (primary ${service.primary || "none"}): replicas ${service.replicas.map((replica) => replica.name).join(", ") || "none"} retired with it and their agents revoked; datasets ${service.datasets.map((dataset) => dataset.name).join(", ") || "none"}; nothing acts on it any more, and its history stays readable`,
    governed: true,
  };
}

export function regionRetired(region: FleetRegion): TopologyChange {
  const id = regionIdOf(region);
  return { scope: REGIONS_SCOPE, field: `regions.${id}`, kind: "removed", before: region, after: null, text: `region retired: ${id} (${region.displayName}, ${region.jurisdiction})`, governed: false };
}

/** A service scope whose proposal holds no service any more: that service is retired. */
export function retiredServiceOf(proposal: { scope: string; before: FleetDocument; after: FleetDocument }): FleetService | null {
  if (proposal.scope === REGIONS_SCOPE || proposal.after.services.length > 0) return null;
  return proposal.before.services.find((service) => serviceScope(service.id) === proposal.scope) ?? null;
}

/**
 * The changes between two slices of a fleet document: the regions they name,
 * and the one service each holds (if any; a service only `before` holds is
 * retired).
 */
export function proposalDiff(before: FleetDocument, after: FleetDocument): TopologyChange[] {
  const service = after.services[0];
  if (service) return diffService(before.services.find((candidate) => candidate.id === service.id) ?? null, service);
  const retired = before.services[0];
  return retired ? [serviceRetired(retired)] : diffRegions(before.regions, after.regions);
}
