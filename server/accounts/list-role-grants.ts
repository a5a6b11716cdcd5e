import "server-only";
import type { RoleGrantView } from "@/contracts/users";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { ROLE_GRANT_INCLUDE, roleGrantView } from "./role-grant-view";

type Filter = { status?: RoleGrantView["status"]; limit: number };

function statusWhere(status: Filter["status"], now: Date): Prisma.RoleGrantWhereInput {
  if (status === "pending") return { status: "pending", expiresAt: { gt: now } };
  if (status === "expired") return { status: "pending", expiresAt: { lte: now } };
  return status ? { status } : {};
}

/** Newest first. */
export async function listRoleGrants(filter: Filter, now = new Date()): Promise<RoleGrantView[]> {
  const rows = await db().roleGrant.findMany({ where: statusWhere(filter.status, now), include: ROLE_GRANT_INCLUDE, orderBy: { createdAt: "desc" }, take: filter.limit });
  return rows.map((row) => roleGrantView(row, now));
}
