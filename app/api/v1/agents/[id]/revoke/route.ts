import { OPERATIONS } from "@/contracts/operations";
import { revokeAgent } from "@/server/agents/revoke-agent";
import { auditActorOf } from "@/server/auth/actor";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.revokeAgent, ({ actor, params }) => revokeAgent(params.id, auditActorOf(actor)));
