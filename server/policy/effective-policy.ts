import "server-only";
import { policyDocumentSchema, type PolicyDocument } from "@/contracts/policy";
import { db } from "../db/client";

export const GLOBAL_POLICY_SCOPE = "global";
export const servicePolicyScope = (serviceId: string) => `service:${serviceId}`;

export interface EffectivePolicy {
  scope: string;
  version: number;
  versionId: string;
  document: PolicyDocument;
}

/** The global default policy in force; undefined on a store that was never seeded. */
export async function globalPolicy(): Promise<EffectivePolicy | undefined> {
  return (await policiesInForce([GLOBAL_POLICY_SCOPE])).get(GLOBAL_POLICY_SCOPE);
}

/** For each service, its own policy's current version, or the global default's. */
export async function effectivePolicies(serviceIds: readonly string[]): Promise<Map<string, EffectivePolicy>> {
  const byScope = await policiesInForce([GLOBAL_POLICY_SCOPE, ...serviceIds.map(servicePolicyScope)]);
  const global = byScope.get(GLOBAL_POLICY_SCOPE);
  const result = new Map<string, EffectivePolicy>();
  for (const serviceId of serviceIds) {
    const effective = byScope.get(servicePolicyScope(serviceId)) ?? global;
    if (effective) result.set(serviceId, effective);
  }
  return result;
}

/** Every policy's version in force: the global default's and each service's own, but a retired service's (nothing is governed by it any more). */
export async function everyPolicyInForce(): Promise<EffectivePolicy[]> {
  const policies = await db().policy.findMany({ where: { OR: [{ serviceId: null }, { service: { retiredAt: null } }] }, select: { scope: true } });
  return [...(await policiesInForce(policies.map((policy) => policy.scope))).values()];
}

/**
 * The version in force of each policy named, by scope (a policy still at
 * version 0 has none), in one statement that reads only those versions: a
 * policy's history grows with every change and none of it is in force.
 */
async function policiesInForce(scopes: readonly string[]): Promise<Map<string, EffectivePolicy>> {
  const rows = await db().$queryRaw<{ scope: string; version: number; versionId: string; document: unknown }[]>`
    SELECT p.scope, v.version, v.id AS "versionId", v.document
      FROM "Policy" p JOIN "PolicyVersion" v ON v."policyId" = p.id AND v.version = p."currentVersion"
     WHERE p.scope = ANY(${[...scopes]})`;
  return new Map(rows.map((row) => [row.scope, { scope: row.scope, version: row.version, versionId: row.versionId, document: policyDocumentSchema.parse(row.document) }]));
}
