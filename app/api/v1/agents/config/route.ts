import { OPERATIONS } from "@/contracts/operations";
import { agentRuntimeConfigFor } from "@/server/agents/agent-runtime-config";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.agentConfig, ({ agent }) => agentRuntimeConfigFor(agent));
