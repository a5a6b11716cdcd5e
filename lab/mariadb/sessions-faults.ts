import { isProcessAlive } from "@/embedded/process-alive";
import { checkPause, frozenFor } from "../faults";
import { runningSessionsPid } from "./sessions-db";
import { sessionsReplica } from "./sessions-topology";

/**
 * The lab's faults (lab/faults.ts) for one sessions-db server: mariadbd is a
 * single process, so its pid alone is killed or frozen.
 */

function requireRunning(dataDir: string, name: string): number {
  const pid = runningSessionsPid(dataDir, sessionsReplica(name).name);
  if (!pid) throw new Error(`${name}: mariadbd is not running`);
  return pid;
}

/** SIGKILL, like a machine that dies: nothing flushed, no shutdown. Resolves once it is gone; its pid. */
export async function killSessionsServer(dataDir: string, name: string): Promise<number> {
  const pid = requireRunning(dataDir, name);
  process.kill(pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${name}: mariadbd (pid ${pid}) did not die within 10 s of SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return pid;
}

/** Freezes the server (SIGSTOP) for `seconds` and thaws it (SIGCONT), also when `signal` aborts the wait early; its pid. */
export async function pauseSessionsServer(dataDir: string, name: string, seconds: number, signal?: AbortSignal): Promise<number> {
  checkPause(seconds);
  const pid = requireRunning(dataDir, name);
  process.kill(pid, "SIGSTOP");
  try {
    await frozenFor(seconds, signal);
  } finally {
    process.kill(pid, "SIGCONT");
  }
  return pid;
}
