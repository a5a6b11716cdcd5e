import "server-only";
import { policyDocumentSchema } from "@/contracts/policy";
import type { PolicyVersionList } from "@/contracts/policies";
import { db } from "../db/client";
import { emergencyReviews } from "./emergency-reviews";
import { findPolicyOrThrow } from "./policy-ref";

/** A policy's versions, newest first, with who wrote each, its change request and its emergency review. */
export async function listPolicyVersions(ref: string): Promise<PolicyVersionList> {
  const policy = await findPolicyOrThrow(ref);
  const versions = await db().policyVersion.findMany({ where: { policyId: policy.id }, orderBy: { version: "desc" } });
  const authorIds = [...new Set(versions.map((version) => version.createdById).filter((id): id is string => id !== null))];
  const [authors, reviews] = await Promise.all([
    db().user.findMany({ where: { id: { in: authorIds } }, select: { id: true, email: true } }),
    emergencyReviews(versions.filter((version) => version.emergency).map((version) => version.id)),
  ]);
  const emailOf = new Map(authors.map((author) => [author.id, author.email]));
  return {
    policyId: policy.id,
    scope: policy.scope,
    serviceId: policy.serviceId,
    currentVersion: policy.currentVersion,
    versions: versions.map((version) => ({
      id: version.id,
      version: version.version,
      current: version.version === policy.currentVersion,
      document: policyDocumentSchema.parse(version.document),
      createdAt: version.createdAt.toISOString(),
      author: version.createdById ? (emailOf.get(version.createdById) ?? null) : null,
      changeRequestId: version.changeRequestId,
      emergency: version.emergency,
      review: reviews.get(version.id) ?? null,
    })),
  };
}
