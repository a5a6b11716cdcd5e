import { readFileSync } from "node:fs";

/** Whether a process with this pid exists (signal 0 checks without signalling), a zombie included. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (e.g. PostgreSQL's own).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a process with this pid exists and has not exited. One that exited
 * but was not yet reaped (a zombie) answers signal 0, yet runs nothing: a
 * SIGKILLed postmaster stays one until whatever adopted it reaps it, which
 * some hosts' init does only every second or so. PostgreSQL's own lock-file
 * check still counts it, so a start is refused until then.
 */
export function isProcessRunning(pid: number): boolean {
  return isProcessAlive(pid) && !exitedUnreaped(pid);
}

/** Linux's state letter for the process is Z (zombie) or X (dead); false where /proc cannot tell. */
function exitedUnreaped(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // "pid (command) state …": the command may itself hold spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}
