import { OPERATIONS } from "@/contracts/operations";
import { auditActorOf } from "@/server/auth/actor";
import { apiRoute } from "@/server/http/api-route";
import { issueToken } from "@/server/tokens/issue-token";

export const POST = apiRoute(OPERATIONS.createOwnToken, ({ actor, body }) => issueToken(actor.userId, body, auditActorOf(actor)));
