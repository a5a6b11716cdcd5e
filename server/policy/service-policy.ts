import "server-only";
import type { EffectivePolicyView } from "@/contracts/policies";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { effectivePolicies, GLOBAL_POLICY_SCOPE } from "./effective-policy";

/** The policy version a service runs under now, read through the same reader the alerts and runbooks use. */
export async function servicePolicy(serviceId: string): Promise<EffectivePolicyView> {
  if (!(await db().service.findUnique({ where: { id: serviceId }, select: { id: true } }))) throw new NotFoundError(`No service with id ${serviceId}.`);
  const effective = (await effectivePolicies([serviceId])).get(serviceId);
  if (!effective) throw new NotFoundError(`Service ${serviceId} has no policy in force: neither its own nor a global one.`);
  const version = await db().policyVersion.findUniqueOrThrow({ where: { id: effective.versionId }, select: { emergency: true, createdAt: true } });
  return {
    serviceId,
    scope: effective.scope,
    inherited: effective.scope === GLOBAL_POLICY_SCOPE,
    version: effective.version,
    versionId: effective.versionId,
    emergency: version.emergency,
    createdAt: version.createdAt.toISOString(),
    document: effective.document,
  };
}
