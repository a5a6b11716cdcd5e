import "server-only";
import { db } from "../db/client";

export interface PolicySummary {
  scope: string;
  serviceId: string | null;
  currentVersion: number;
  versions: number;
  updatedAt: string;
}

export async function listPolicies(): Promise<PolicySummary[]> {
  const policies = await db().policy.findMany({
    orderBy: { scope: "asc" },
    include: { versions: { select: { version: true, createdAt: true }, orderBy: { version: "desc" } } },
  });
  return policies.map((policy) => ({
    scope: policy.scope,
    serviceId: policy.serviceId,
    currentVersion: policy.currentVersion,
    versions: policy.versions.length,
    updatedAt: (policy.versions.find((version) => version.version === policy.currentVersion)?.createdAt ?? policy.createdAt).toISOString(),
  }));
}
