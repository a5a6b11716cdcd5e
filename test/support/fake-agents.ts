import { COMMAND_OUTPUTS, type AgentCommandKind } from "@/contracts/agent-commands";
import { db } from "@/server/db/client";
import { recordCommandResult } from "@/server/commands/record-command-result";

type Answer = { status: "succeeded"; output: unknown } | { status: "failed" | "refused"; error: string };

/**
 * Stands in for the agents in engine tests: answers every open command the
 * way `answer` says, through the same code path an agent's result takes.
 * (Real agents on the real lab are exercised by the switchover test.)
 */
export async function answerCommands(answer: (kind: AgentCommandKind, replica: string) => Answer): Promise<number> {
  const open = await db().agentCommand.findMany({ where: { status: { in: ["pending", "delivered"] } }, include: { agent: { include: { replica: true } } } });
  for (const command of open) {
    const result = answer(command.kind as AgentCommandKind, command.agent.replica.name);
    if (result.status === "succeeded") COMMAND_OUTPUTS[command.kind as AgentCommandKind].parse(result.output);
    await recordCommandResult(
      { type: "agent", agentId: command.agentId, name: command.agent.name, replicaId: command.agent.replicaId, serviceId: command.serviceId },
      command.id,
      result.status === "succeeded" ? { status: "succeeded", output: result.output as Record<string, unknown>, error: null, agentEpoch: command.epoch } : { status: result.status, output: null, error: result.error, agentEpoch: command.epoch },
    );
  }
  return open.length;
}
