import "server-only";
import { auditCheckpointJob } from "../audit/checkpoint-job";
import { sweepSignInLimits } from "../auth/sign-in-upkeep";
import { startLeaseLoop } from "../loops/lease-loop";
import { currentRetention } from "./job-settings";
import { rollupSamples, dropExpiredRollups } from "./rollup-samples";
import { dropExpiredSamples, ensureSamplePartitions } from "./sample-partitions";

const LEASE = "maintenance";
const TICK_MS = 10_000;
const LEASE_TTL_MS = 30_000;

interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Periodic upkeep of the store: Sample partitions ahead of time, rollups,
 * retention, and publishing signed audit checkpoints off the box. Every
 * control-plane copy runs this loop, but only the holder of the
 * `maintenance` lease does the work, so nothing runs twice.
 */
export function startJobs(log: (line: string) => void = (line) => console.log(`[jobs] ${line}`)): () => Promise<void> {
  const jobs: Job[] = [
    { name: "partitions", everyMs: 3_600_000, run: async () => ensureSamplePartitions((await currentRetention()).partitions) },
    { name: "rollup", everyMs: 30_000, run: async () => rollupSamples((await currentRetention()).minuteRollupMs) },
    { name: "sample retention", everyMs: 3_600_000, run: async () => dropExpiredSamples((await currentRetention()).rawMs) },
    { name: "rollup retention", everyMs: 3_600_000, run: async () => dropExpiredRollups(await currentRetention()) },
    { name: "sign-in limits", everyMs: 60_000, run: () => sweepSignInLimits() },
  ];
  const checkpoints = auditCheckpointJob(log);
  if (checkpoints) jobs.push(checkpoints);
  const lastRun = new Map<string, number>();

  return startLeaseLoop({
    loop: "jobs",
    lease: LEASE,
    ttlMs: LEASE_TTL_MS,
    tickMs: TICK_MS,
    log,
    pass: async (keeper) => {
      const due = jobs.filter((job) => Date.now() - (lastRun.get(job.name) ?? 0) >= job.everyMs);
      for (const job of due) {
        await keeper.keep();
        try {
          await job.run();
          lastRun.set(job.name, Date.now());
        } catch (error) {
          log(`${job.name} failed: ${(error as Error).message}`);
        }
      }
      return { subjects: due.length, failures: {} };
    },
  });
}
