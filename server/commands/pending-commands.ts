import "server-only";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { commandKeyRing } from "../command-keys/signing-key";
import { db } from "../db/client";
import { notifier } from "../db/pg-notifier";
import { REPORT_WANTED_CHANNEL } from "./fresh-reports";
import { COMMAND_CHANNEL } from "./issue-command";

// A missed notification costs at most this much delay.
const RECHECK_MS = 2_000;

/** One read when there is nothing to hand out (what a long-poll does most), a write only for what expired or is handed out first now. */
async function takePending(agentId: string): Promise<{ id: string; token: string }[]> {
  const now = new Date();
  const unanswered = await db().agentCommand.findMany({
    where: { agentId, status: { in: ["pending", "delivered"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true, token: true, status: true, expiresAt: true },
  });
  const expired = unanswered.filter((command) => command.expiresAt <= now).map((command) => command.id);
  const commands = unanswered.filter((command) => command.expiresAt > now);
  const fresh = commands.filter((command) => command.status === "pending").map((command) => command.id);
  await Promise.all([
    expired.length ? db().agentCommand.updateMany({ where: { id: { in: expired }, status: { in: ["pending", "delivered"] } }, data: { status: "expired" } }) : null,
    fresh.length ? db().agentCommand.updateMany({ where: { id: { in: fresh }, status: "pending" }, data: { status: "delivered", deliveredAt: now } }) : null,
  ]);
  return commands.map(({ id, token }) => ({ id, token }));
}

/** The key statements newer than the one the agent holds, oldest first. */
async function newerKeyStatements(generation: number): Promise<string[]> {
  const statements = await db().commandKeyStatement.findMany({ where: { generation: { gt: generation } }, orderBy: { generation: "asc" }, select: { token: true } });
  return statements.map((statement) => statement.token);
}

/**
 * What the agent says it holds, kept for the rotation's completion to check;
 * written only when it changed, so an agent that polls costs no write.
 */
async function recordKeyGeneration(agentId: string, generation: number): Promise<void> {
  await db().$executeRaw`UPDATE "Agent" SET "commandKeyGeneration" = ${generation} WHERE id = ${agentId} AND "commandKeyGeneration" IS DISTINCT FROM ${generation}`;
}

export interface PendingCommands {
  commands: { id: string; token: string }[];
  /** Key statements the agent does not hold yet (it said which it holds), oldest first. */
  keyStatements: string[];
  /** The run executor asked this agent for a report now (server/runs/fresh-reports.ts). */
  reportNow: boolean;
}

/** Waits for a command for the agent or a request for its report, whichever comes first; true for the latter. */
async function nextWake(agentId: string, ms: number, since: number, signal?: AbortSignal): Promise<boolean> {
  const done = new AbortController();
  const both = signal ? AbortSignal.any([signal, done.signal]) : done.signal;
  try {
    return await Promise.race([
      notifier(COMMAND_CHANNEL)
        .wait(agentId, ms, both, since)
        .then(() => false),
      notifier(REPORT_WANTED_CHANNEL).wait(agentId, ms, both),
    ]);
  } finally {
    done.abort();
  }
}

/**
 * The agent's unanswered, unexpired commands, oldest first, waiting up to
 * `waitSeconds` for one to arrive, with the key statements newer than the
 * `keyGeneration` it holds (which ends the wait too). A command is handed
 * out again until its result is recorded, so an agent that crashed
 * mid-command sees it again (and its own ledger keeps it from running twice).
 * An agent that does not say which statement it holds is sent none. A
 * request for the agent's report (its run executor's) ends the wait too.
 */
export async function pendingCommands(agent: AgentPrincipal, waitSeconds: number, keyGeneration?: number, signal?: AbortSignal): Promise<PendingCommands> {
  if (keyGeneration !== undefined) await recordKeyGeneration(agent.agentId, keyGeneration);
  const deadline = Date.now() + waitSeconds * 1000;
  let reportNow = false;
  for (;;) {
    // Taken before looking: a command issued between the look and the wait ends the wait at once.
    const since = await notifier(COMMAND_CHANNEL).cursor();
    const commands = await takePending(agent.agentId);
    const keysDue = keyGeneration !== undefined && (await commandKeyRing()).generation > keyGeneration;
    const remaining = deadline - Date.now();
    if (commands.length || keysDue || reportNow || remaining <= 0 || signal?.aborted) {
      return { commands, keyStatements: keyGeneration === undefined ? [] : await newerKeyStatements(keyGeneration), reportNow };
    }
    reportNow = await nextWake(agent.agentId, Math.min(remaining, RECHECK_MS), since, signal);
  }
}
