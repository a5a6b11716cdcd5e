import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { performance } from "node:perf_hooks";
import { SCRIPT_OUTPUT_LIMIT, type AgentCommandArgs } from "@/contracts/agent-commands";
import type { ScriptsConfig } from "../config";
import { errorMessage } from "../error-message";
import type { CommandAnswer } from "./command-ledger";
import { failed, refused, succeeded, type CommandExecutor } from "./command-executor";
import type { VerifiedCommand } from "./verify-command";

/** Keeps the first SCRIPT_OUTPUT_LIMIT bytes of a stream and drains the rest, so a chatty script never blocks on a full pipe. */
class Bounded {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  add(chunk: Buffer): void {
    const room = SCRIPT_OUTPUT_LIMIT - this.kept;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const part = chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** The last line of what a failed script said, for the step's error. */
function lastLine(...streams: string[]): string {
  for (const stream of streams) {
    const line = stream.trim().split("\n").at(-1)?.trim();
    if (line) return `: ${line.slice(0, 500)}`;
  }
  return "";
}

/**
 * Runs the scripts this agent's config allowlists by name (`scripts`), and
 * hands every other command to the executor it wraps. The control plane only
 * names a script: the file, its environment and its longest run are the
 * agent's own. Arguments are an argv array given to the program itself, never
 * to a shell, so nothing in them is interpreted.
 */
export class ScriptRunner implements CommandExecutor {
  constructor(
    private readonly scripts: ScriptsConfig,
    private readonly next: CommandExecutor,
  ) {}

  execute(command: VerifiedCommand): Promise<CommandAnswer> {
    if (command.kind !== "script") return this.next.execute(command);
    return this.run(command.args);
  }

  private async run(args: AgentCommandArgs<"script">): Promise<CommandAnswer> {
    const script = this.scripts[args.name];
    if (!script) return refused(`this agent's config allowlists no script ${args.name}`);
    try {
      accessSync(script.path, constants.X_OK);
    } catch (error) {
      return refused(`script ${args.name} (${script.path}) cannot be executed: ${errorMessage(error)}`);
    }
    const timeoutSeconds = Math.min(args.timeoutSeconds, script.timeoutSeconds);
    const started = performance.now();
    const stdout = new Bounded();
    const stderr = new Bounded();
    // Its own process group, so a timeout also ends whatever the script started.
    const child = spawn(script.path, args.argv, { shell: false, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...script.env } as unknown as NodeJS.ProcessEnv });
    child.stdout.on("data", (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.add(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutSeconds * 1000);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }>((resolve) => {
      child.on("error", (error) => resolve({ error }));
      child.on("close", (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    if ("error" in exit) return failed(`script ${args.name} could not be started: ${errorMessage(exit.error)}`);
    const output = {
      exitCode: exit.code,
      signal: exit.signal,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: stdout.truncated || stderr.truncated,
      durationMs: Math.round(performance.now() - started),
    };
    if (timedOut) return failed(`script ${args.name} was killed after ${timeoutSeconds} s`, output);
    if (exit.code !== 0) return failed(`script ${args.name} ${exit.code === null ? `ended by ${exit.signal}` : `exited with ${exit.code}`}${lastLine(output.stderr, output.stdout)}`, output);
    return succeeded(output);
  }
}
