import "server-only";
import { planDependencies, type Dependencies } from "@/core/plans/plan-order";
import type { CreatePlanRequest } from "@/contracts/plans";
import { db } from "../db/client";
import { ConflictError, ValidationError } from "../errors";

/** Whether a service's labels include every pair asked for. */
function carriesLabels(labels: unknown, wanted: Readonly<Record<string, string>>): boolean {
  const own = (labels ?? {}) as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => own[key] === value);
}

export const ACTIVE_PLAN_STATUSES = ["scheduled", "awaiting_approval", "running", "paused"] as const;

export interface PlanScope {
  serviceIds: string[];
  dependsOn: Dependencies;
}

/**
 * The services a plan request covers and the order they move in, or a 400
 * naming the field: an unknown or retired region or service, an order that
 * names services outside the plan or has a cycle. A service in another
 * active plan is a 409: two plans would race for it.
 */
export async function resolvePlanScope(request: Pick<CreatePlanRequest, "regionId" | "services" | "labels" | "order">): Promise<PlanScope> {
  const region = await db().region.findUnique({ where: { id: request.regionId }, select: { retiredAt: true } });
  if (!region) throw new ValidationError(`regionId: no region ${request.regionId}`, "regionId");
  if (region.retiredAt) throw new ValidationError(`regionId: ${request.regionId} is retired; nothing runs in it`, "regionId");

  let serviceIds: string[];
  if (request.services && request.labels) throw new ValidationError("labels: name the services or the labels that select them, not both", "labels");
  if (request.services) {
    const duplicate = request.services.find((id, index) => request.services!.indexOf(id) !== index);
    if (duplicate) throw new ValidationError(`services: ${duplicate} is named twice`, "services");
    const known = await db().service.findMany({ where: { id: { in: request.services } }, select: { id: true, retiredAt: true } });
    request.services.forEach((id, index) => {
      const service = known.find((candidate) => candidate.id === id);
      if (!service) throw new ValidationError(`services.${index}: no service ${id}`, `services.${index}`);
      if (service.retiredAt) throw new ValidationError(`services.${index}: ${id} is retired; nothing runs on it`, `services.${index}`);
    });
    serviceIds = [...request.services];
  } else {
    const inRegion = await db().service.findMany({ where: { retiredAt: null, writeReplica: { regionId: request.regionId } }, select: { id: true, labels: true }, orderBy: { id: "asc" } });
    const selected = request.labels ? inRegion.filter((service) => carriesLabels(service.labels, request.labels!)) : inRegion;
    if (selected.length === 0) {
      const which = request.labels ? `with the labels ${Object.entries(request.labels).map(([key, value]) => `${key}=${value}`).join(", ")} ` : "";
      throw new ValidationError(`${request.labels ? "labels" : "regionId"}: no service ${which}has its primary in ${request.regionId}; there is nothing to move`, request.labels ? "labels" : "regionId");
    }
    serviceIds = selected.map((service) => service.id);
  }

  const order = planDependencies(serviceIds, request.order ?? {});
  if (!order.ok) {
    const [first] = order.problems;
    throw new ValidationError(`${first!.field}: ${first!.message}`, first!.field);
  }
  const busy = await db().planService.findFirst({ where: { serviceId: { in: serviceIds }, plan: { status: { in: [...ACTIVE_PLAN_STATUSES] } } }, select: { serviceId: true, planId: true } });
  if (busy) throw new ConflictError(`${busy.serviceId} is already in plan ${busy.planId}, which is not over; finish, abort or cancel it first.`, "services");
  return { serviceIds, dependsOn: order.dependsOn };
}
