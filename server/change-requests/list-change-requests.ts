import "server-only";
import type { ChangeRequestSummary } from "@/contracts/change-requests";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { GLOBAL_POLICY_SCOPE, servicePolicyScope } from "../policy/effective-policy";
import { CHANGE_REQUEST_INCLUDE, changeRequestSummary } from "./change-request-view";

type Filter = { status?: ChangeRequestSummary["status"]; serviceId?: string; limit: number };

/** Expiry is read, not written: an open request past its deadline counts as expired. */
function statusWhere(status: Filter["status"], now: Date): Prisma.ChangeRequestWhereInput {
  if (status === "open") return { status: "open", expiresAt: { gt: now } };
  if (status === "expired") return { OR: [{ status: "expired" }, { status: "open", expiresAt: { lte: now } }] };
  return status ? { status } : {};
}

/** Newest first; `serviceId=global` names the default policy's requests. */
export async function listChangeRequests(filter: Filter, now = new Date()): Promise<ChangeRequestSummary[]> {
  const scope = filter.serviceId === undefined ? undefined : filter.serviceId === GLOBAL_POLICY_SCOPE ? GLOBAL_POLICY_SCOPE : servicePolicyScope(filter.serviceId);
  const rows = await db().changeRequest.findMany({
    where: { AND: [statusWhere(filter.status, now), scope ? { policy: { scope } } : {}] },
    include: CHANGE_REQUEST_INCLUDE,
    orderBy: { createdAt: "desc" },
    take: filter.limit,
  });
  return rows.map((row) => changeRequestSummary(row, now));
}
