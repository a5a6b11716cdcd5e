import "server-only";
import type { PolicyVersionView } from "@/contracts/policies";
import { appendAuditEvent } from "../audit/append-audit-event";
import { assertSecondPerson } from "../accounts/second-person";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { emergencyReviews } from "./emergency-reviews";
import { listPolicyVersions } from "./policy-versions";

/**
 * An approver's after-the-fact review of an emergency version: once, never by
 * who applied it nor by an account that is no second person for them.
 */
export async function reviewEmergencyChange(actor: UserActor, versionId: string, note: string): Promise<PolicyVersionView> {
  const policyId = await db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "PolicyVersion" WHERE id = ${versionId} FOR UPDATE`;
    if (!locked) throw new NotFoundError(`No policy version with id ${versionId}.`);
    const version = await tx.policyVersion.findUniqueOrThrow({ where: { id: versionId }, include: { policy: true } });
    if (!version.emergency) throw new ConflictError(`Version ${version.version} of ${version.policy.scope} went through approval; only emergency versions are reviewed after the fact.`);
    if (version.createdById === actor.userId) throw new ForbiddenError("Two-person rule: whoever applied an emergency change cannot review it.");
    await assertSecondPerson(actor, version.createdById, new Date(), tx);
    const existing = (await emergencyReviews([versionId], tx)).get(versionId);
    if (existing) throw new ConflictError(`Version ${version.version} of ${version.policy.scope} was already reviewed by ${existing.reviewedBy} at ${existing.reviewedAt}.`);
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "policy.emergency_review",
      target: { type: "policy_version", id: versionId },
      serviceId: version.policy.serviceId,
      policyVersionId: versionId,
      reason: note,
      details: { scope: version.policy.scope, version: version.version },
    });
    return version.policyId;
  });
  const versions = await listPolicyVersions(policyId);
  return versions.versions.find((version) => version.id === versionId)!;
}
