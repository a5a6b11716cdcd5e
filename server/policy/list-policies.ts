import "server-only";
import type { PolicySummary } from "@/contracts/policies";
import { db } from "../db/client";
import { emergencyReviews } from "./emergency-reviews";

export async function listPolicies(): Promise<PolicySummary[]> {
  const policies = await db().policy.findMany({
    orderBy: { scope: "asc" },
    include: { versions: { select: { id: true, version: true, createdAt: true, emergency: true }, orderBy: { version: "desc" } } },
  });
  const reviews = await emergencyReviews(policies.flatMap((policy) => policy.versions.filter((version) => version.emergency).map((version) => version.id)));
  return policies.map((policy) => ({
    id: policy.id,
    scope: policy.scope,
    serviceId: policy.serviceId,
    currentVersion: policy.currentVersion,
    versions: policy.versions.length,
    updatedAt: (policy.versions.find((version) => version.version === policy.currentVersion)?.createdAt ?? policy.createdAt).toISOString(),
    unreviewedEmergencies: policy.versions.filter((version) => version.emergency && !reviews.has(version.id)).length,
  }));
}
