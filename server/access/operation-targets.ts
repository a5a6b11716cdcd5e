import "server-only";
import { z } from "zod";
import type { AccessTarget } from "@/core/access/access";
import { REGIONS_SCOPE } from "@/core/topology/topology-diff";
import type { OperationTarget } from "@/contracts/operation-targets";
import { db } from "../db/client";
import { NotFoundError, ValidationError } from "../errors";
import { serviceIdOfScope } from "../policy/policy-ref";

/** An operation's validated input, as the permission check hands it to a resolver. */
export interface TargetInput {
  params: unknown;
  body: unknown;
}

const FLEET: AccessTarget = { kind: "fleet" };
const service = (serviceId: string): AccessTarget => ({ kind: "service", serviceId });
const orFleet = (serviceId: string | null): AccessTarget => (serviceId === null ? FLEET : service(serviceId));

const idParam = z.object({ id: z.string() });
const idOf = (input: TargetInput) => idParam.parse(input.params).id;

const pauseScopeBody = z.object({ scope: z.string() });
const silenceBody = z.object({ serviceId: z.string().optional() });
const runServiceBody = z.object({ params: z.record(z.string(), z.string()) });
const incidentServicesBody = z.object({ serviceIds: z.array(z.string()).min(1) });

/**
 * One resolver per row of OPERATION_TARGETS (the compiler holds the two
 * together). Each reads only: the check runs before the handler and a
 * refused request writes nothing. What does not exist answers 404 as the
 * handler would.
 */
export const TARGET_RESOLVERS: Record<OperationTarget, (input: TargetInput) => Promise<AccessTarget>> = {
  "service-param": async (input) => service(idOf(input)),
  "several-services": async () => FLEET,
  "pause-scope-body": async (input) => {
    const { scope } = pauseScopeBody.parse(input.body);
    return scope === "global" ? FLEET : service(scope);
  },
  "pause-param": async (input) => {
    const pause = await db().automationPause.findUnique({ where: { id: idOf(input) }, select: { serviceId: true } });
    if (!pause) throw new NotFoundError(`No automation pause ${idOf(input)}.`);
    return orFleet(pause.serviceId);
  },
  "drill-param": async (input) => {
    const drill = await db().drill.findUnique({ where: { id: idOf(input) }, select: { serviceId: true } });
    if (!drill) throw new NotFoundError(`No drill with id ${idOf(input)}.`);
    return service(drill.serviceId);
  },
  "drill-schedule-param": async (input) => {
    const schedule = await db().drillSchedule.findUnique({ where: { id: idOf(input) }, select: { serviceId: true } });
    if (!schedule) throw new NotFoundError(`No drill schedule ${idOf(input)}.`);
    return service(schedule.serviceId);
  },
  "run-param": async (input) => {
    const run = await db().run.findUnique({ where: { id: idOf(input) }, select: { serviceId: true } });
    if (!run) throw new NotFoundError(`No run ${idOf(input)}.`);
    return service(run.serviceId);
  },
  "run-service-body": async (input) => {
    const serviceId = runServiceBody.parse(input.body).params.service;
    if (!serviceId) throw new ValidationError("params.service: is required", "params.service");
    return service(serviceId);
  },
  "alert-param": async (input) => {
    const alert = await db().alert.findUnique({ where: { id: idOf(input) }, select: { serviceId: true } });
    if (!alert) throw new NotFoundError(`No alert ${idOf(input)}.`);
    // An alert about the installation's accounts is about the fleet as a whole.
    return orFleet(alert.serviceId);
  },
  "silence-body": async (input) => orFleet(silenceBody.parse(input.body).serviceId ?? null),
  "silence-param": async (input) => {
    const silence = await db().silence.findUnique({ where: { id: idOf(input) }, select: { serviceId: true } });
    if (!silence) throw new NotFoundError(`No silence ${idOf(input)}.`);
    return orFleet(silence.serviceId);
  },
  "incident-param": async (input) => {
    const services = await db().incidentService.findMany({ where: { incidentId: idOf(input) }, select: { serviceId: true } });
    if (!services.length) throw new NotFoundError(`No incident ${idOf(input)}.`);
    // An incident about several services acts on each: as on the fleet, which a role limited to some services may not.
    return services.length === 1 ? service(services[0]!.serviceId) : FLEET;
  },
  "incident-services-body": async (input) => {
    const serviceIds = [...new Set(incidentServicesBody.parse(input.body).serviceIds)];
    return serviceIds.length === 1 ? service(serviceIds[0]!) : FLEET;
  },
  "policy-param": async (input) => {
    const ref = idOf(input);
    const policy = await db().policy.findFirst({ where: { OR: [{ scope: ref }, { id: ref }] }, select: { serviceId: true } });
    if (policy) return orFleet(policy.serviceId);
    // A service's first emergency change creates its policy: the scope names the service.
    if (/^(global|service:.+)$/.test(ref)) return orFleet(serviceIdOfScope(ref));
    throw new NotFoundError(`No policy ${ref}; name one by its scope (global, service:<service id>) or its id.`);
  },
  "policy-version-param": async (input) => {
    const version = await db().policyVersion.findUnique({ where: { id: idOf(input) }, select: { policy: { select: { serviceId: true } } } });
    if (!version) throw new NotFoundError(`No policy version ${idOf(input)}.`);
    return orFleet(version.policy.serviceId);
  },
  "change-request-param": async (input) => {
    const request = await db().changeRequest.findUnique({
      where: { id: idOf(input) },
      select: { topologyScope: true, policy: { select: { serviceId: true } } },
    });
    if (!request) throw new NotFoundError(`No change request ${idOf(input)}.`);
    if (request.policy) return orFleet(request.policy.serviceId);
    if (!request.topologyScope || request.topologyScope === REGIONS_SCOPE) return FLEET;
    return service(request.topologyScope.replace(/^service:/, ""));
  },
};
