import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The fields of /proc/<pid>/stat after the command name (which, in parentheses, may hold spaces): field n of the line is [n - 3]. */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** A process's resident memory now, in MiB (VmRSS). */
export function residentMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

/** A process and all its descendants, as /proc shows them now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const parent = Number(statFields(entry)[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * CPU seconds (user + system) a process and its descendants have used so
 * far, their reaped children's included (cutime + cstime): a PostgreSQL
 * backend that ended still counts, through its postmaster. The tree is read
 * afresh on each call, so a process started in between counts whole.
 */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const fields = statFields(pid);
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // Ended; its parent's cutime and cstime hold it now.
    }
  }
  return ticks / 100;
}

/** The Next.js server of a product `npm start` runs in `dataDir`: its supervisor writes the pid there. */
export function controlPlanePid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, "control-plane.pid"), "utf8").trim());
}

/** Measures the CPU a process uses while `work` runs, in cores (1 = one core busy the whole time). */
export async function cpuWhile<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cores: number; cpuSeconds: number; seconds: number }> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  const used = cpuSeconds(pid) - cpu0;
  return { result, cores: used / seconds, cpuSeconds: used, seconds };
}
