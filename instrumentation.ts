/**
 * Runs once when a control-plane process starts: the direct lane for the
 * agents' hot requests (server/direct-lane), then the store's periodic upkeep
 * (partitions, rollups, retention), the runbook executor, alert evaluation
 * the automation's decider, the drills and paging's escalation, each guarded by a lease so that of several
 * copies only one acts, and each giving its lease up when the process is
 * told to stop.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Each copy checks the hooks configuration it will read (npm start checks it too): a broken file stops the start, naming the field.
  (await import("./server/hooks/hooks-config")).hooksConfig();
  (await import("./server/request/peer-address")).warnWithoutPeerAddressLayer();
  (await import("./server/direct-lane/direct-routes")).openDirectLane();
  if (process.env.SWITCHYARD_JOBS === "off") return;
  const [{ startJobs }, { startRunExecutor }, { startAlerting }, { startDecider }, { startDrillLoop }, { startEscalationLoop }, { stopOnSignals }] = await Promise.all([
    import("./server/jobs/scheduler"),
    import("./server/executor/run-executor"),
    import("./server/alerts/alerting-loop"),
    import("./server/automation/automation-loop"),
    import("./server/drills/drill-loop"),
    import("./server/oncall/escalation-loop"),
    import("./server/loops/stop-on-signals"),
  ]);
  stopOnSignals([startJobs(), startRunExecutor(), startAlerting(), startDecider(), startDrillLoop(), startEscalationLoop()]);
}
