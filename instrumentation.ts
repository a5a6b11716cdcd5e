/**
 * Runs once when a control-plane process starts: the store's periodic upkeep
 * (partitions, rollups, retention), the runbook executor, alert evaluation
 * and the automation's decider, each guarded by a lease so that of several
 * copies only one acts. On SIGTERM or SIGINT they stop and give their leases
 * up, so another copy takes over at once instead of when the leases expire
 * (Next.js closes its server on the same signals, then exits).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  (await import("./server/request/peer-address")).warnWithoutPeerAddressLayer();
  if (process.env.SWITCHYARD_JOBS === "off") return;
  const [{ startJobs }, { startRunExecutor }, { startAlerting }, { startDecider }] = await Promise.all([
    import("./server/jobs/scheduler"),
    import("./server/runs/run-executor"),
    import("./server/alerts/alerting-loop"),
    import("./server/automation/automation-loop"),
  ]);
  const stops = [startJobs(), startRunExecutor(), startAlerting(), startDecider()];
  const stopLoops = () => void Promise.all(stops.map((stop) => stop()));
  process.once("SIGTERM", stopLoops);
  process.once("SIGINT", stopLoops);
}
