import { spawn } from "node:child_process";
import { checkKeyName } from "./key-files";

const TIMEOUT_MS = 15_000;
const MAX_OUTPUT = 64 * 1024;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the operator's key command as `<command> <verb> <name>` through
 * /bin/sh (so the setting may carry its own arguments, as git's credential
 * helpers do), the key name passed as an argument, never spliced into the
 * shell text.
 */
function run(command: string, verb: "get" | "store", name: string, input: string | null): Promise<Outcome> {
  checkKeyName(name);
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", `${command} "$@"`, "switchyard-key-command", verb, name], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`The key command (SWITCHYARD_KEY_COMMAND) did not answer "${verb} ${name}" within ${TIMEOUT_MS / 1000} s.`));
    }, TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`The key command (SWITCHYARD_KEY_COMMAND) could not be started: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => {
      // A command that exits without reading its input says why on its exit status.
    });
    child.stdin.end(input ?? "");
  });
}

function failure(verb: string, name: string, outcome: Outcome): Error {
  const said = outcome.stderr.trim().split("\n").slice(-3).join(" ").slice(0, 500);
  return new Error(`The key command (SWITCHYARD_KEY_COMMAND) failed on "${verb} ${name}" (exit ${outcome.code ?? "by signal"})${said ? `: ${said}` : ""}.`);
}

/** `get <name>`: the key's material on stdout, or nothing at all when the command holds no such key. */
export async function getByCommand(command: string, name: string): Promise<string | null> {
  const outcome = await run(command, "get", name, null);
  if (outcome.code !== 0) throw failure("get", name, outcome);
  const material = outcome.stdout.trim();
  return material === "" ? null : material;
}

/**
 * `store <name>` with the material on stdin: the command keeps it unless it
 * already holds that key (so that control-plane copies racing to create a
 * key agree on one), then the key is read back: what `get` answers is the
 * key, whichever copy made it.
 */
export async function createByCommand(command: string, name: string, material: string): Promise<string> {
  const outcome = await run(command, "store", name, `${material}\n`);
  if (outcome.code !== 0) throw failure("store", name, outcome);
  const stored = await getByCommand(command, name);
  if (stored === null) throw new Error(`The key command (SWITCHYARD_KEY_COMMAND) accepted "store ${name}" but answers nothing to "get ${name}".`);
  return stored;
}
