import type { PolicyDocument } from "@/contracts/policy";
import { demoService } from "@/prisma/seed/demo-topology";
import { appendAuditEvent, SYSTEM_ACTOR } from "../audit/append-audit-event";
import type { Db } from "../db/client";
import { servicePolicyScope } from "../policy/effective-policy";

/**
 * A lab service's own policy (its datasets' replication and residency),
 * once the lab has declared the service. A user would propose it as a change
 * request for two approvers; the lab has no second person, so it writes the
 * first version itself, audited as the system, and only when the service has
 * none: a policy changed through governance since survives a restart.
 */
export async function ensureLabServicePolicy(client: Db, serviceId: string, own?: PolicyDocument): Promise<string | null> {
  // The lab's MariaDB service is no demo service: it brings its own.
  const document = own ?? demoService(serviceId).policy;
  const scope = servicePolicyScope(serviceId);
  return client.$transaction(async (tx) => {
    const existing = await tx.policy.findUnique({ where: { scope } });
    if (existing && existing.currentVersion > 0) return null;
    const policy = existing ?? (await tx.policy.create({ data: { scope, serviceId, currentVersion: 0 } }));
    const version = await tx.policyVersion.create({ data: { policyId: policy.id, version: 1, document } });
    await tx.policy.update({ where: { id: policy.id }, data: { currentVersion: 1 } });
    await appendAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "policy.apply",
      target: { type: "policy", id: policy.id },
      serviceId,
      policyVersionId: version.id,
      reason: `the lab's first policy for ${serviceId}`,
      after: document,
      details: { scope, version: 1 },
    });
    return `policy ${scope} v1`;
  });
}
