import type { AgentReport } from "@/contracts/agent-reports";
import { standbyReport } from "./reports";

/**
 * Reports of orders-db's agents around a lost primary (pg-us-east-1, with
 * pg-eu-west-1 its synchronous standby), as the automation tests ingest them.
 */
const peer = (replica: string, regionId: string, reachable: boolean) => ({ replica, regionId, reachable, rttMs: reachable ? 80 : null, error: reachable ? null : "connection refused" });

export const primaryReport = (seq: number): AgentReport =>
  standbyReport(seq, {
    role: "primary",
    lsn: { current: "50331744", received: null, replayed: null },
    lag: { bytes: null, seconds: null },
    walReceiver: null,
    standbys: ["pg-eu-west-1", "pg-europe-west3"].map((applicationName) => ({
      applicationName,
      clientAddr: "127.0.0.1",
      state: "streaming",
      syncState: applicationName === "pg-eu-west-1" ? "sync" : "async",
      sentLsn: null,
      writeLsn: null,
      flushLsn: null,
      replayLsn: null,
      writeLagSeconds: null,
      flushLagSeconds: null,
      replayLagSeconds: null,
      replayLagBytes: 0,
    })),
    settings: { synchronous_commit: "on", synchronous_standby_names: 'FIRST 1 ("pg-eu-west-1")', default_transaction_read_only: "off", transaction_read_only: "off" },
    peers: [peer("pg-eu-west-1", "aws:eu-west-1", true), peer("pg-europe-west3", "gcp:europe-west3", true)],
  });

/** A standby's report; once the primary is gone its WAL receiver has stopped, as PostgreSQL's does. */
export const standby = (name: string, seq: number, primaryReachable: boolean): AgentReport => {
  const other = name === "pg-eu-west-1" ? peer("pg-europe-west3", "gcp:europe-west3", true) : peer("pg-eu-west-1", "aws:eu-west-1", true);
  return standbyReport(seq, {
    ...(primaryReachable ? {} : { walReceiver: null }),
    peers: [peer("pg-us-east-1", "aws:us-east-1", primaryReachable), other],
  });
};
