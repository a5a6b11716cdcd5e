import "server-only";
import type { AgentView } from "@/contracts/agents";
import { db } from "../db/client";
import { AGENT_VIEW_INCLUDE, agentView } from "./agent-view";

export async function listAgents(): Promise<AgentView[]> {
  const agents = await db().agent.findMany({ orderBy: { name: "asc" }, include: AGENT_VIEW_INCLUDE });
  return agents.map(agentView);
}
