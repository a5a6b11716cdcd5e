import "server-only";
import type pg from "pg";
import { policyDocumentSchema, type PolicyDocument } from "@/contracts/policy";
import { sqlPool } from "../db/sql-pool";

export const GLOBAL_POLICY_SCOPE = "global";
export const servicePolicyScope = (serviceId: string) => `service:${serviceId}`;

type Queryable = Pick<pg.ClientBase, "query">;

export interface EffectivePolicy {
  scope: string;
  version: number;
  versionId: string;
  document: PolicyDocument;
}

/** The global default policy in force; undefined on a store that was never seeded. */
export async function globalPolicy(): Promise<EffectivePolicy | undefined> {
  return (await readPolicies([GLOBAL_POLICY_SCOPE])).get(GLOBAL_POLICY_SCOPE);
}

/** For each service, its own policy's current version, or the global default's. */
export async function effectivePolicies(serviceIds: readonly string[]): Promise<Map<string, EffectivePolicy>> {
  const policyOf = effectiveOf(await policiesInForce(serviceIds));
  return new Map(serviceIds.flatMap((serviceId) => {
    const effective = policyOf(serviceId);
    return effective ? [[serviceId, effective] as const] : [];
  }));
}

/** The policy in force for any live service, from one read of every policy in force: for readers of the whole fleet. */
export async function livePolicies(): Promise<(serviceId: string) => EffectivePolicy | undefined> {
  return effectiveOf(await policiesInForce(null));
}

/**
 * The versions in force that decide the named services' policies (null:
 * every live service's), by scope, read on `client` (a transaction's, for a
 * reader that wants them at the same moment as the rest): look one up with
 * policyOfService.
 */
export function policiesInForce(serviceIds: readonly string[] | null, client: Queryable = sqlPool()): Promise<Map<string, EffectivePolicy>> {
  return readPolicies(serviceIds && [GLOBAL_POLICY_SCOPE, ...serviceIds.map(servicePolicyScope)], client);
}

export function policyOfService(byScope: Map<string, EffectivePolicy>, serviceId: string): EffectivePolicy | undefined {
  return effectiveOf(byScope)(serviceId);
}

/** Every policy's version in force: the global default's and each service's own, but a retired service's (nothing is governed by it any more). */
export async function everyPolicyInForce(): Promise<EffectivePolicy[]> {
  return [...(await readPolicies(null)).values()];
}

function effectiveOf(byScope: Map<string, EffectivePolicy>): (serviceId: string) => EffectivePolicy | undefined {
  const global = byScope.get(GLOBAL_POLICY_SCOPE);
  return (serviceId) => byScope.get(servicePolicyScope(serviceId)) ?? global;
}

/**
 * Versions are immutable once in force, so each is validated once per
 * process; the text is compared too, so a version rewritten in place (a
 * migration of stored documents) is validated again.
 */
const parsed = new Map<string, { text: string; document: PolicyDocument }>();

function documentOf(versionId: string, text: string): PolicyDocument {
  const known = parsed.get(versionId);
  if (known?.text === text) return known.document;
  const document = policyDocumentSchema.parse(JSON.parse(text));
  parsed.set(versionId, { text, document });
  return document;
}

/**
 * The version in force of each policy named (null: the global default's and
 * every live service's), by scope, in one statement that reads only those
 * versions: a policy's history grows with every change and none of it is in
 * force. A policy still at version 0 has none.
 */
async function readPolicies(scopes: readonly string[] | null, client: Queryable = sqlPool()): Promise<Map<string, EffectivePolicy>> {
  const { rows } = await client.query<{ scope: string; version: number; versionId: string; document: string }>({
    name: "policies-in-force",
    text: `
      SELECT p.scope, v.version, v.id AS "versionId", v.document::text AS document
        FROM "Policy" p JOIN "PolicyVersion" v ON v."policyId" = p.id AND v.version = p."currentVersion"
       WHERE CASE WHEN $1::text[] IS NULL
                  THEN p."serviceId" IS NULL OR EXISTS (SELECT 1 FROM "Service" s WHERE s.id = p."serviceId" AND s."retiredAt" IS NULL)
                  ELSE p.scope = ANY($1::text[]) END`,
    values: [scopes],
  });
  return new Map(rows.map((row) => [row.scope, { scope: row.scope, version: row.version, versionId: row.versionId, document: documentOf(row.versionId, row.document) }]));
}
