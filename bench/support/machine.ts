import os from "node:os";
import { round } from "./stats";

/** What a footprint benchmark says of the machine it ran on: a loaded machine inflates every process's CPU time, so its load average at the start and now. */
export function machineUnderLoad(loadAtStart: number): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: { atStart: round(loadAtStart), atEnd: round(os.loadavg()[0]!) },
  };
}
