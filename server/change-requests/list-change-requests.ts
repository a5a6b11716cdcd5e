import "server-only";
import type { ChangeRequestSummary } from "@/contracts/change-requests";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { serviceScope } from "@/core/topology/topology-diff";
import { GLOBAL_POLICY_SCOPE, servicePolicyScope } from "../policy/effective-policy";
import { CHANGE_REQUEST_INCLUDE, changeRequestSummary, topologyRevisions } from "./change-request-view";

type Filter = { status?: ChangeRequestSummary["status"]; serviceId?: string; limit: number };

/** Expiry is read, not written: an open request past its deadline counts as expired. */
function statusWhere(status: Filter["status"], now: Date): Prisma.ChangeRequestWhereInput {
  if (status === "open") return { status: "open", expiresAt: { gt: now } };
  if (status === "expired") return { OR: [{ status: "expired" }, { status: "open", expiresAt: { lte: now } }] };
  return status ? { status } : {};
}

/** A service's requests, policy and topology alike; `global` names the default policy's. */
function serviceWhere(serviceId: string | undefined): Prisma.ChangeRequestWhereInput {
  if (serviceId === undefined) return {};
  if (serviceId === GLOBAL_POLICY_SCOPE) return { policy: { scope: GLOBAL_POLICY_SCOPE } };
  return { OR: [{ policy: { scope: servicePolicyScope(serviceId) } }, { topologyScope: serviceScope(serviceId) }] };
}

/** Newest first. */
export async function listChangeRequests(filter: Filter, now = new Date()): Promise<ChangeRequestSummary[]> {
  const rows = await db().changeRequest.findMany({
    where: { AND: [statusWhere(filter.status, now), serviceWhere(filter.serviceId)] },
    include: CHANGE_REQUEST_INCLUDE,
    orderBy: { createdAt: "desc" },
    take: filter.limit,
  });
  const revisions = await topologyRevisions(rows);
  return rows.map((row) => changeRequestSummary(row, now, revisions));
}
