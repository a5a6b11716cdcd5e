import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SCRIPT_OUTPUT_LIMIT } from "@/contracts/agent-commands";
import type { ScriptsConfig } from "../config";
import { refused, type CommandExecutor } from "./command-executor";
import { ScriptRunner } from "./script-runner";
import type { VerifiedCommand } from "./verify-command";

const folder = mkdtempSync(path.join(os.tmpdir(), "agent-scripts-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function script(name: string, body: string, executable = true): string {
  const file = path.join(folder, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, executable ? 0o755 : 0o644);
  return file;
}

const SCRIPTS: ScriptsConfig = {
  echo: { path: script("echo.sh", 'for arg in "$@"; do echo "[$arg]"; done; echo "greeting=$GREETING"'), timeoutSeconds: 300, env: { GREETING: "hello" } },
  refuse: { path: script("refuse.sh", "echo checking; echo 'lag too high' >&2; exit 3"), timeoutSeconds: 300, env: {} },
  hang: { path: script("hang.sh", "echo started; sleep 30"), timeoutSeconds: 1, env: {} },
  chatty: { path: script("chatty.sh", `head -c ${SCRIPT_OUTPUT_LIMIT * 4} /dev/zero | tr '\\0' a`), timeoutSeconds: 300, env: {} },
  "not-executable": { path: script("plain.sh", "echo no", false), timeoutSeconds: 300, env: {} },
};

const next: CommandExecutor = { execute: async () => refused("the server executor was asked") };
const runner = new ScriptRunner(SCRIPTS, next);

const command = (name: string, argv: string[], timeoutSeconds = 60): VerifiedCommand =>
  ({ id: "c1", kind: "script", args: { name, argv, timeoutSeconds }, claims: {} }) as unknown as VerifiedCommand;

describe("the agent's script runner", () => {
  it("runs an allowlisted script with its argv and nothing from a shell, and its own environment only", async () => {
    const marker = path.join(folder, "injected");
    const answer = await runner.execute(command("echo", ["--host=10.0.0.2", `--why=$(touch ${marker}); echo pwned`, "--quote='\"`"]));
    expect(answer).toMatchObject({ status: "succeeded", error: null, output: { exitCode: 0, signal: null, stderr: "", truncated: false } });
    expect((answer.output as { stdout: string }).stdout).toBe(`[--host=10.0.0.2]\n[--why=$(touch ${marker}); echo pwned]\n[--quote='"\`]\ngreeting=hello\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it("fails with the exit code and the last line of stderr, keeping the output", async () => {
    expect(await runner.execute(command("refuse", []))).toMatchObject({
      status: "failed",
      error: "script refuse exited with 3: lag too high",
      output: { exitCode: 3, stdout: "checking\n", stderr: "lag too high\n" },
    });
  });

  it("kills a script at the shorter of its own and the command's timeout", async () => {
    expect(await runner.execute(command("hang", [], 60))).toMatchObject({ status: "failed", error: "script hang was killed after 1 s", output: { signal: "SIGKILL", stdout: "started\n" } });
  });

  it("keeps only the first bytes of a chatty script's output", async () => {
    const answer = await runner.execute(command("chatty", []));
    expect(answer).toMatchObject({ status: "succeeded", output: { truncated: true } });
    expect((answer.output as { stdout: string }).stdout).toHaveLength(SCRIPT_OUTPUT_LIMIT);
  });

  it("refuses a script its config does not allowlist, or cannot execute", async () => {
    expect(await runner.execute(command("rm-rf", []))).toEqual({ status: "refused", output: null, error: "this agent's config allowlists no script rm-rf" });
    expect(await runner.execute(command("not-executable", []))).toMatchObject({ status: "refused", error: expect.stringMatching(/^script not-executable \(.*plain\.sh\) cannot be executed: /) });
  });

  it("hands every other command to the executor it wraps", async () => {
    const fence = { id: "c2", kind: "fence", args: { terminateSessions: true }, claims: {} } as unknown as VerifiedCommand;
    expect(await runner.execute(fence)).toEqual(refused("the server executor was asked"));
  });
});
