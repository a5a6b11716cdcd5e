import { readFileSync } from "node:fs";
import path from "node:path";

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name, in parentheses, may hold spaces: fields are counted after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
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
