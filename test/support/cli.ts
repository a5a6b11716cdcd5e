import type { Io } from "@/cli/command";
import { runCli } from "@/cli/main";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * The `switchyard` CLI run in-process as a script would call it, with what it
 * printed captured. `sleep` is the CLI's own (for `--watch`-style waits);
 * a test that never waits may make it instant.
 */
export async function runCliCaptured(argv: readonly string[], env: Record<string, string>, options: { sleep?: Io["sleep"] } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const decoder = new TextDecoder();
  const io: Io = {
    out: (text) => out.push(`${text}\n`),
    err: (text) => err.push(`${text}\n`),
    outBytes: async (chunk) => void out.push(decoder.decode(chunk, { stream: true })),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: () => new Date(),
  };
  const code = await runCli(argv, { io, env });
  return { code, out: out.join(""), err: err.join("") };
}
