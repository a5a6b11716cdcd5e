import "server-only";
import { policyDocumentSchema, type PolicyDocument } from "@/contracts/policy";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import type { Tx } from "../db/transaction";
import { liveServiceOrThrow } from "../retired-guards";
import { GLOBAL_POLICY_SCOPE, servicePolicyScope } from "./effective-policy";

type Client = Tx | ReturnType<typeof db>;

/** A policy named by its scope (`global`, `service:<id>`) or its id. */
export async function findPolicyOrThrow(ref: string, client: Client = db()) {
  const policy = await client.policy.findFirst({ where: { OR: [{ scope: ref }, { id: ref }] } });
  if (!policy) throw new NotFoundError(`No policy ${ref}; name one by its scope (global, service:<service id>) or its id.`);
  return policy;
}

/** The serviceId a scope names; null for the global policy. */
export function serviceIdOfScope(scope: string): string | null {
  return scope === GLOBAL_POLICY_SCOPE ? null : scope.replace(/^service:/, "");
}

/** What retirement means for a service's policy. */
export const RETIRED_POLICY = "its policy governs nothing any more and changes no more";

/**
 * The policy a change to `serviceId` (null: the global default) edits,
 * created empty (version 0, so the service goes on inheriting the global
 * policy) when the service has none of its own yet.
 */
export async function policyForChange(tx: Tx, serviceId: string | null) {
  const scope = serviceId === null ? GLOBAL_POLICY_SCOPE : servicePolicyScope(serviceId);
  if (serviceId !== null) await liveServiceOrThrow(tx, serviceId, RETIRED_POLICY, "serviceId");
  const existing = await tx.policy.findUnique({ where: { scope } });
  if (existing) return existing;
  if (serviceId === null) throw new NotFoundError("There is no global policy; the store was not seeded.");
  return tx.policy.create({ data: { scope, serviceId, currentVersion: 0 } });
}

/** The document version `version` of a policy says; version 0 means what the policy inherits (the global one in force). */
export async function documentAt(client: Client, policyId: string, version: number): Promise<PolicyDocument> {
  if (version === 0) {
    const global = await client.policy.findUniqueOrThrow({ where: { scope: GLOBAL_POLICY_SCOPE } });
    return documentAt(client, global.id, global.currentVersion);
  }
  const row = await client.policyVersion.findUniqueOrThrow({ where: { policyId_version: { policyId, version } } });
  return policyDocumentSchema.parse(row.document);
}

/** Locks the policy row so versions are applied one at a time, whoever applies them. */
export async function lockPolicy(tx: Tx, policyId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Policy" WHERE id = ${policyId} FOR UPDATE`;
}
