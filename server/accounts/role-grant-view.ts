import "server-only";
import { serviceScopesSchema, type RoleGrantView } from "@/contracts/users";
import type { Prisma } from "../db/generated/client";

export const ROLE_GRANT_INCLUDE = {
  user: { select: { email: true } },
  requester: { select: { email: true } },
  decider: { select: { email: true } },
} satisfies Prisma.RoleGrantInclude;

export type RoleGrantRow = Prisma.RoleGrantGetPayload<{ include: typeof ROLE_GRANT_INCLUDE }>;

/** The limits a grant gives its roles, as stored (written only from a validated request). */
export function grantedScopes(row: Pick<RoleGrantRow, "serviceScopes">) {
  return serviceScopesSchema.parse(row.serviceScopes ?? {});
}

/** Expiry is read, not written: a pending grant past its deadline reads as expired. */
export function roleGrantView(row: RoleGrantRow, now: Date): RoleGrantView {
  return {
    id: row.id,
    userId: row.userId,
    user: row.user.email,
    roles: row.roles,
    serviceScopes: grantedScopes(row),
    status: row.status === "pending" && now >= row.expiresAt ? "expired" : row.status,
    reason: row.reason,
    requester: row.requester?.email ?? null,
    decider: row.decider?.email ?? null,
    issuer: row.issuer,
    decisionNote: row.decisionNote,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}
