import { killCluster, pauseCluster, resumeCluster } from "@/embedded/postgres-cluster";
import { pgdataDir } from "./paths";
import { findReplica, type LabReplica } from "./topology";

/** SIGKILL for a region's whole cluster (see killCluster); returns who was killed. */
export async function killRegion(dataDir: string, region: string): Promise<{ replica: LabReplica; pid: number }> {
  const replica = findReplica(region);
  const pid = await killCluster(pgdataDir(dataDir, replica.name));
  return { replica, pid };
}

/**
 * Freezes a region for `seconds` and thaws it again, also when `signal`
 * aborts the wait early: a cluster must never be left stopped behind us.
 */
export async function pauseRegion(dataDir: string, region: string, seconds: number, signal?: AbortSignal): Promise<{ replica: LabReplica; pid: number }> {
  if (!(seconds > 0)) throw new Error(`pause needs a positive number of seconds, not ${seconds}`);
  const replica = findReplica(region);
  const pgdata = pgdataDir(dataDir, replica.name);
  const pid = await pauseCluster(pgdata);
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, seconds * 1000);
      const stopWaiting = () => {
        clearTimeout(timer);
        resolve();
      };
      if (signal?.aborted) stopWaiting();
      signal?.addEventListener("abort", stopWaiting, { once: true });
    });
  } finally {
    await resumeCluster(pgdata);
  }
  return { replica, pid };
}
