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

/**
 * How healthy agents answer every command of a switchover or failover of
 * orders-db: the fence reports a final LSN of 5000, and the old primary
 * pg-us-east-1 refuses writes once fenced.
 */
export function everyStepAnswer(kind: AgentCommandKind, replica: string): Answer {
  switch (kind) {
    case "fence":
      return { status: "succeeded", output: { finalLsn: "5000", terminatedSessions: 2 } };
    case "promote":
      return { status: "succeeded", output: { timeline: 2, lsn: "5100" } };
    case "repoint":
      return { status: "succeeded", output: { primaryHost: "127.0.0.1", primaryPort: 14432, slotName: null } };
    case "verify-write":
      return replica === "pg-us-east-1" ? { status: "succeeded", output: { accepted: false, error: "read-only transaction" } } : { status: "succeeded", output: { accepted: true, error: null } };
    case "rewind":
      return { status: "succeeded", output: { method: "base-backup", timeline: 2, bytes: 41_000_000, durationMs: 900, formerDataKeptAt: "/data/pgdata.former", note: null } };
    case "sync-standbys":
      return { status: "succeeded", output: { synchronousStandbyNames: 'FIRST 1 ("pg-us-east-1")', streaming: ["pg-us-east-1"] } };
    default:
      return { status: "succeeded", output: {} };
  }
}

/** Every open command answered as healthy agents would (everyStepAnswer). */
export const answerEveryStep = () => answerCommands(everyStepAnswer);
