import "server-only";
import { mayAnywhere } from "@/core/access/access";
import type { ApiTokenView } from "@/contracts/tokens";
import type { UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ForbiddenError } from "../errors";
import { tokenView } from "./token-view";

export async function listTokens(actor: UserActor, scope: "own" | "all"): Promise<ApiTokenView[]> {
  if (scope === "all" && !mayAnywhere(actor, "tokens:manage")) {
    throw new ForbiddenError("Listing every user's tokens needs the admin role (and, with an API token, its admin scope).");
  }
  const tokens = await db().apiToken.findMany({
    where: scope === "own" ? { userId: actor.userId } : {},
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return tokens.map(tokenView);
}
