import "server-only";
import { type FleetDocument, type FleetRegion, type FleetService, regionIdOf } from "@/contracts/topology";
import type { ApplyTopologyResult } from "@/contracts/topology-api";
import type { RetiredIds } from "@/core/topology/topology-rules";
import type { UserActor } from "../auth/actor";
import { ConflictError, NotFoundError } from "../errors";
import { retiredRegionError, retiredServiceError } from "../retired-guards";
import { applyTopologyChange } from "./apply-topology";

/**
 * Each entity endpoint is the fleet document with one change, applied like
 * a document: directly, or as a change request when it can alter a failover.
 */
const apply = (actor: UserActor, reason: string, change: (live: FleetDocument, retired: RetiredIds) => FleetDocument) =>
  applyTopologyChange(actor, { reason, expiresInHours: 72, approval: "when-required", change });

function serviceIn(live: FleetDocument, retired: RetiredIds, serviceId: string): FleetService {
  const service = live.services.find((candidate) => candidate.id === serviceId);
  if (service) return service;
  if (retired.services.includes(serviceId)) throw retiredServiceError(serviceId, null, "it changes no more");
  throw new NotFoundError(`No service with id ${serviceId}.`);
}

const only = (service: FleetService): FleetDocument => ({ version: 1, regions: [], services: [service] });

export function createRegion(actor: UserActor, region: FleetRegion, reason: string): Promise<ApplyTopologyResult> {
  return apply(actor, reason, (live, retired) => {
    if (live.regions.some((known) => regionIdOf(known) === regionIdOf(region))) throw new ConflictError(`Region ${regionIdOf(region)} exists; change it with PATCH.`, "code");
    if (retired.regions.includes(regionIdOf(region))) throw retiredRegionError(regionIdOf(region), "it is not brought back");
    return { version: 1, regions: [region], services: [] };
  });
}

export function updateRegion(actor: UserActor, id: string, change: Partial<Pick<FleetRegion, "jurisdiction" | "displayName">>, reason: string): Promise<ApplyTopologyResult> {
  return apply(actor, reason, (live, retired) => {
    const region = live.regions.find((known) => regionIdOf(known) === id);
    if (!region && retired.regions.includes(id)) throw retiredRegionError(id, "it changes no more");
    if (!region) throw new NotFoundError(`No region ${id}.`);
    return { version: 1, regions: [{ ...region, ...change }], services: [] };
  });
}

export function createService(actor: UserActor, service: FleetService, reason: string): Promise<ApplyTopologyResult> {
  return apply(actor, reason, (live, retired) => {
    if (live.services.some((known) => known.id === service.id)) throw new ConflictError(`Service ${service.id} exists; change it with PATCH or through its replicas and datasets.`, "service.id");
    if (retired.services.includes(service.id)) throw retiredServiceError(service.id, null, "its id stays with its history and is not used again");
    return only(service);
  });
}

export function updateService(actor: UserActor, serviceId: string, change: Partial<Pick<FleetService, "name" | "description">>, reason: string): Promise<ApplyTopologyResult> {
  return apply(actor, reason, (live, retired) => only({ ...serviceIn(live, retired, serviceId), ...change }));
}

/** Adds (`add`), changes or retires (`null`) one replica or dataset of a service. */
export function changeMember<K extends "replicas" | "datasets">(
  actor: UserActor,
  serviceId: string,
  kind: K,
  name: string,
  change: { add: FleetService[K][number] } | { update: Partial<FleetService[K][number]> } | { retire: true },
  reason: string,
): Promise<ApplyTopologyResult> {
  const what = kind === "replicas" ? "replica" : "dataset";
  return apply(actor, reason, (live, retired) => {
    const service = serviceIn(live, retired, serviceId);
    const members = service[kind] as FleetService[K][number][];
    const existing = members.find((member) => member.name === name);
    if ("add" in change) {
      if (existing) throw new ConflictError(`${serviceId} already has a ${what} named ${name}.`, "name");
      return only({ ...service, [kind]: [...members, change.add] });
    }
    if (!existing) throw new NotFoundError(`${serviceId} has no ${what} named ${name}.`);
    const next = "retire" in change ? members.filter((member) => member !== existing) : members.map((member) => (member === existing ? { ...member, ...change.update } : member));
    return only({ ...service, [kind]: next });
  });
}
