import "server-only";
import { COMMAND_OUTPUTS, type AgentCommandKind, type CommandResult } from "@/contracts/agent-commands";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { wakeRunExecutor } from "../db/run-executor-channel";

/** Records what the agent did with its command, once, audited with the agent as actor. */
export async function recordCommandResult(agent: AgentPrincipal, commandId: string, result: CommandResult): Promise<void> {
  await db().$transaction(async (tx) => {
    const command = await tx.agentCommand.findUnique({ where: { id: commandId } });
    if (!command || command.agentId !== agent.agentId) throw new NotFoundError(`No command ${commandId} for this agent.`);
    if (["succeeded", "failed", "refused"].includes(command.status)) {
      throw new ConflictError(`Command ${commandId} already has a result (${command.status}).`);
    }
    let output: unknown = result.output;
    if (result.status === "succeeded") {
      const parsed = COMMAND_OUTPUTS[command.kind as AgentCommandKind].safeParse(result.output);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ValidationError(`output.${issue?.path.join(".") ?? ""}: ${issue?.message} (for a ${command.kind} command)`, "output");
      }
      output = parsed.data;
    }
    await tx.agentCommand.update({
      where: { id: commandId },
      data: {
        status: result.status,
        output: output === null ? Prisma.DbNull : (output as Prisma.InputJsonValue),
        error: result.error,
        completedAt: new Date(),
      },
    });
    // Wakes the run executor: the step waiting for this answer need not wait for its next tick.
    if (command.runId) await wakeRunExecutor(tx, command.runId);
    await appendAuditEvent(tx, {
      actor: { type: "agent", id: agent.agentId, label: agent.name },
      action: "agent.command_result",
      target: { type: "replica", id: agent.replicaId },
      serviceId: agent.serviceId,
      outcome: result.status === "succeeded" ? "success" : "failure",
      reason: result.error,
      runId: command.runId,
      stepRunId: command.stepRunId,
      details: { command: commandId, kind: command.kind, status: result.status, output, agentEpoch: result.agentEpoch, commandEpoch: command.epoch },
    });
  });
}
