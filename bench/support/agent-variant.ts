import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { isProcessRunning } from "@/embedded/process-alive";

/**
 * A change to how an agent runs, tried side by side with the agent as it is:
 * environment assignments (`MALLOC_ARENA_MAX=2`) and V8 flags
 * (`--max-semi-space-size=1`), as one string of words.
 */
export interface AgentVariant {
  env: Record<string, string>;
  nodeFlags: string[];
  text: string;
}

export function parseVariant(text: string): AgentVariant {
  const env: Record<string, string> = {};
  const nodeFlags: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
    if (assignment) env[assignment[1]!] = assignment[2]!;
    else if (word.startsWith("--")) nodeFlags.push(word);
    else throw new Error(`--variant: each word is NAME=value or a node flag (--…), not ${JSON.stringify(word)}`);
  }
  if (Object.keys(env).length === 0 && nodeFlags.length === 0) throw new Error("--variant: nothing to change");
  return { env, nodeFlags, text };
}

/** The state folder an agent process's command line names (`run --state-dir <dir>`). */
export function stateDirOf(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return args[args.indexOf("--state-dir") + 1]!;
}

/** The replica a lab agent watches: its state folder is `<lab>/agents/<replica>/state`. */
export function replicaOf(pid: number): string {
  return path.basename(path.dirname(stateDirOf(pid)));
}

/**
 * Stops a lab agent (SIGTERM: it delivers what it holds and ends) and starts
 * it again from its own command line and environment, read from /proc, with
 * `variant` applied when given, writing to the same log. Both standbys of a
 * comparison are restarted, one as it was, so neither is older than the
 * other. The new process is the benchmark's to stop (stopAgents), not the lab's.
 */
export async function restartAgent(pid: number, variant: AgentVariant | null): Promise<number> {
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  const env = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  ) as NodeJS.ProcessEnv;
  const stateDir = stateDirOf(pid);
  await stopAgents([pid]);
  const log = openSync(path.join(path.dirname(stateDir), "agent.log"), "a");
  const child = spawn(argv[0]!, [...(variant?.nodeFlags ?? []), ...argv.slice(1)], { env: { ...env, ...variant?.env }, stdio: ["ignore", log, log], detached: true });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`the agent of ${replicaOf(pid)} did not start again`);
  return child.pid;
}

/** SIGTERM, then waits (up to 15 s) for each to end. */
export async function stopAgents(pids: readonly number[]): Promise<void> {
  for (const pid of pids) if (isProcessRunning(pid)) process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (pids.some(isProcessRunning)) {
    if (Date.now() > deadline) throw new Error(`agents ${pids.filter(isProcessRunning).join(", ")} did not stop within 15 s of SIGTERM`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
