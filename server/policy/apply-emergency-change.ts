import "server-only";
import type { PolicyDocument } from "@/contracts/policy";
import type { PolicyVersionView } from "@/contracts/policies";
import { diffPolicy } from "@/core/policy/diff-policy";
import { emergencyViolations } from "@/core/policy/emergency-change";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { NotFoundError, ValidationError } from "../errors";
import { assertValidPolicy } from "./assert-valid-policy";
import { documentAt, lockPolicy, policyForChange, serviceIdOfScope } from "./policy-ref";
import { loadPolicyTopology } from "./policy-topology";
import { listPolicyVersions } from "./policy-versions";

const GLOBAL_OR_SERVICE = /^(global|service:.+)$/;

/**
 * An operator's change that only makes automation more careful, applied at
 * once as an emergency version; it stays flagged until an approver reviews it.
 * Open change requests on the policy become stale and must be rebased.
 */
export async function applyEmergencyChange(actor: UserActor, ref: string, document: PolicyDocument, reason: string): Promise<PolicyVersionView> {
  const existing = await db().policy.findFirst({ where: { OR: [{ scope: ref }, { id: ref }] } });
  if (!existing && !GLOBAL_OR_SERVICE.test(ref)) throw new NotFoundError(`No policy ${ref}; name one by its scope (global, service:<service id>) or its id.`);
  const serviceId = existing ? existing.serviceId : serviceIdOfScope(ref);
  const topology = await loadPolicyTopology(serviceId);

  const policyId = await db().$transaction(
    async (tx) => {
      const policy = await policyForChange(tx, serviceId);
      await lockPolicy(tx, policy.id);
      const current = await tx.policy.findUniqueOrThrow({ where: { id: policy.id } });
      const before = await documentAt(tx, current.id, current.currentVersion);
      const diff = diffPolicy(before, document);
      const violations = emergencyViolations(diff);
      if (violations.length) throw new ValidationError(violations.join("; "), `document.${violations[0]!.split(":")[0]}`);
      assertValidPolicy(document, topology, before);
      const version = await tx.policyVersion.create({
        data: { policyId: current.id, version: current.currentVersion + 1, document, createdById: actor.userId, emergency: true },
      });
      await tx.policy.update({ where: { id: current.id }, data: { currentVersion: version.version } });
      await appendAuditEvent(tx, {
        actor: auditActorOf(actor),
        action: "policy.emergency_apply",
        target: { type: "policy", id: current.id },
        serviceId: current.serviceId,
        policyVersionId: version.id,
        reason,
        before,
        after: document,
        details: { scope: current.scope, version: version.version, emergency: true, needsReview: true, diff: diff.map((change) => change.text) },
      });
      return current.id;
    },
    { timeout: 15_000, maxWait: 10_000 },
  );
  const versions = await listPolicyVersions(policyId);
  return versions.versions[0]!;
}
