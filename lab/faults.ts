import { killCluster, pauseCluster, resumeCluster, runningPid } from "@/embedded/postgres-cluster";
import { pgdataDir } from "./paths";
import { replicasIn, type LabReplica } from "./topology";

/**
 * SIGKILL for a region's clusters (see killCluster): a region id is a region
 * loss, every service's cluster there; a replica name, that cluster alone.
 * Returns who was killed; a cluster of a service the lab does not run is skipped,
 * and a region with none running is an error.
 */
export async function killRegion(dataDir: string, region: string): Promise<{ replica: LabReplica; pid: number }[]> {
  const running = await runningIn(dataDir, region);
  return Promise.all(running.map(async (replica) => ({ replica, pid: await killCluster(pgdataDir(dataDir, replica.name)) })));
}

async function runningIn(dataDir: string, region: string): Promise<LabReplica[]> {
  const replicas = replicasIn(region);
  const running = (await Promise.all(replicas.map(async (replica) => ((await runningPid(pgdataDir(dataDir, replica.name))) ? replica : null)))).filter(
    (replica): replica is LabReplica => replica !== null,
  );
  if (!running.length) throw new Error(`no cluster of ${replicas.map((replica) => replica.name).join(", ")} is running`);
  return running;
}

/**
 * Freezes a region's clusters (every service's, or one replica's) for
 * `seconds` and thaws them again, also when `signal` aborts the wait early:
 * a cluster must never be left stopped behind us.
 */
export async function pauseRegion(dataDir: string, region: string, seconds: number, signal?: AbortSignal): Promise<{ replica: LabReplica; pid: number }[]> {
  checkPause(seconds);
  const running = await runningIn(dataDir, region);
  const paused: { replica: LabReplica; pid: number }[] = [];
  try {
    for (const replica of running) paused.push({ replica, pid: await pauseCluster(pgdataDir(dataDir, replica.name)) });
    await frozenFor(seconds, signal);
  } finally {
    await Promise.all(running.map((replica) => resumeCluster(pgdataDir(dataDir, replica.name))));
  }
  return paused;
}

export function checkPause(seconds: number): void {
  if (!(seconds > 0)) throw new Error(`pause needs a positive number of seconds, not ${seconds}`);
}

/** How long a pause holds what it froze: `seconds`, or until `signal` aborts. */
export function frozenFor(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    const stopWaiting = () => {
      clearTimeout(timer);
      resolve();
    };
    if (signal?.aborted) stopWaiting();
    signal?.addEventListener("abort", stopWaiting, { once: true });
  });
}
