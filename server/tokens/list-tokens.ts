import "server-only";
import { hasPermission } from "@/core/access/permissions";
import type { ApiTokenView } from "@/contracts/tokens";
import type { UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ForbiddenError } from "../errors";
import { tokenView } from "./token-view";

export async function listTokens(actor: UserActor, scope: "own" | "all"): Promise<ApiTokenView[]> {
  if (scope === "all" && !hasPermission(actor.roles, "tokens:manage")) {
    throw new ForbiddenError("Listing every user's tokens needs the admin role.");
  }
  const tokens = await db().apiToken.findMany({
    where: scope === "own" ? { userId: actor.userId } : {},
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return tokens.map(tokenView);
}
