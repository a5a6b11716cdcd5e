import { OPERATIONS } from "@/contracts/operations";
import { rotateAgentToken } from "@/server/agents/rotate-agent-token";
import { auditActorOf } from "@/server/auth/actor";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.rotateAgentToken, ({ actor, params }) => rotateAgentToken(params.id, auditActorOf(actor)));
