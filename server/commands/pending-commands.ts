import "server-only";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { db } from "../db/client";
import { notifier } from "../db/pg-notifier";
import { COMMAND_CHANNEL } from "./issue-command";

// A missed notification costs at most this much delay.
const RECHECK_MS = 2_000;

async function takePending(agentId: string): Promise<{ id: string; token: string }[]> {
  const now = new Date();
  await db().agentCommand.updateMany({ where: { agentId, status: { in: ["pending", "delivered"] }, expiresAt: { lte: now } }, data: { status: "expired" } });
  const commands = await db().agentCommand.findMany({
    where: { agentId, status: { in: ["pending", "delivered"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true, token: true, status: true },
  });
  const fresh = commands.filter((command) => command.status === "pending").map((command) => command.id);
  if (fresh.length) await db().agentCommand.updateMany({ where: { id: { in: fresh } }, data: { status: "delivered", deliveredAt: now } });
  return commands.map(({ id, token }) => ({ id, token }));
}

/**
 * The agent's unanswered, unexpired commands, oldest first, waiting up to
 * `waitSeconds` for one to arrive. A command is handed out again until its
 * result is recorded, so an agent that crashed mid-command sees it again (and
 * its own ledger keeps it from running twice).
 */
export async function pendingCommands(agent: AgentPrincipal, waitSeconds: number, signal?: AbortSignal): Promise<{ id: string; token: string }[]> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const commands = await takePending(agent.agentId);
    const remaining = deadline - Date.now();
    if (commands.length || remaining <= 0 || signal?.aborted) return commands;
    await notifier(COMMAND_CHANNEL).wait(agent.agentId, Math.min(remaining, RECHECK_MS), signal);
  }
}
