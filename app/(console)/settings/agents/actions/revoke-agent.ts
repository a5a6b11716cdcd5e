"use server";

import { revalidatePath } from "next/cache";
import { agentIdParamsSchema } from "@/contracts/agents";
import { revokeAgent } from "@/server/agents/revoke-agent";
import { auditActorOf } from "@/server/auth/actor";
import { runAction } from "@/server/http/server-action";

export async function revokeAgentAction(input: unknown) {
  const result = await runAction("agents:manage", agentIdParamsSchema, input, (actor, data) => revokeAgent(data.id, auditActorOf(actor)));
  if (result.ok) revalidatePath("/settings/agents");
  return result;
}
