/**
 * Runs once when a control-plane process starts: the store's periodic upkeep
 * (partitions, rollups, retention), guarded by a lease so that of several
 * copies only one does it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.SWITCHYARD_JOBS === "off") return;
  const { startJobs } = await import("./server/jobs/scheduler");
  startJobs();
}
