import type { AgentReport } from "@/contracts/agent-reports";
import { standbyReport } from "./reports";

/** orders-db's replicas in the demo topology; pg-us-east-1 is its primary. */
export const DEMO_REPLICAS = ["pg-us-east-1", "pg-eu-west-1", "pg-europe-west3"] as const;
export type DemoReplicaName = (typeof DEMO_REPLICAS)[number];

/**
 * What orders-db's agents report, each with its own sequence: the primary
 * with pg-eu-west-1 its synchronous standby, the others as streaming
 * standbys, `overrides` on top.
 */
export function demoReports(): (name: DemoReplicaName, overrides: Partial<AgentReport>) => AgentReport {
  const seqs: Record<DemoReplicaName, number> = { "pg-us-east-1": 0, "pg-eu-west-1": 0, "pg-europe-west3": 0 };
  return (name, overrides) => {
    seqs[name] += 1;
    if (name !== "pg-us-east-1") return standbyReport(seqs[name], overrides);
    return standbyReport(seqs[name], {
      role: "primary",
      lsn: { current: "50331744", received: null, replayed: null },
      lag: { bytes: null, seconds: null },
      walReceiver: null,
      standbys: [
        { applicationName: "pg-eu-west-1", clientAddr: "127.0.0.1", state: "streaming", syncState: "sync", sentLsn: null, writeLsn: null, flushLsn: null, replayLsn: null, writeLagSeconds: null, flushLagSeconds: null, replayLagSeconds: null, replayLagBytes: 0 },
      ],
      settings: { synchronous_commit: "on", synchronous_standby_names: 'FIRST 1 ("pg-eu-west-1")', default_transaction_read_only: "off", transaction_read_only: "off" },
      ...overrides,
    });
  };
}
