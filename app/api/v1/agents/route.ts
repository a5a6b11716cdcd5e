import { OPERATIONS } from "@/contracts/operations";
import { listAgents } from "@/server/agents/list-agents";
import { registerAgent } from "@/server/agents/register-agent";
import { auditActorOf } from "@/server/auth/actor";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listAgents, async () => ({ agents: await listAgents() }));

export const POST = apiRoute(OPERATIONS.registerAgent, ({ actor, body }) => registerAgent(body, auditActorOf(actor)));
