import type { AgentReport, AgentReportBatch } from "@/contracts/agent-reports";

/** A valid report of a streaming standby, for tests to vary. */
export function standbyReport(seq: number, overrides: Partial<AgentReport> = {}): AgentReport {
  return {
    seq,
    observedAt: new Date().toISOString(),
    engine: "postgresql",
    reachable: true,
    error: null,
    queryLatencyMs: 0.8,
    role: "standby",
    timeline: 1,
    lsn: { current: null, received: "50331744", replayed: "50331648" },
    lag: { bytes: 96, seconds: 0.05 },
    standbys: [],
    walReceiver: {
      status: "streaming",
      senderHost: "127.0.0.1",
      senderPort: 14431,
      receivedTli: 1,
      flushedLsn: "50331744",
      lastMessageAt: new Date().toISOString(),
      slotName: "pg_eu_west_1",
    },
    slots: [],
    conflicts: { recovery: 0, logical: 0 },
    settings: { synchronous_commit: "on", synchronous_standby_names: "", default_transaction_read_only: "off", transaction_read_only: "on" },
    peers: [],
    ...overrides,
  };
}

export function batchOf(reports: AgentReport[], overrides: Partial<AgentReportBatch> = {}): AgentReportBatch {
  return { sentAt: new Date().toISOString(), agentVersion: "test", droppedReports: 0, reports, ...overrides };
}

/** What a primary with pg-eu-west-1 as its synchronous standby reports at `current`, over a standbyReport. */
export function primaryOverrides(current: string): Partial<AgentReport> {
  return {
    role: "primary",
    walReceiver: null,
    lag: { bytes: null, seconds: null },
    lsn: { current, received: null, replayed: null },
    standbys: [
      { applicationName: "pg-eu-west-1", clientAddr: "127.0.0.1", state: "streaming", syncState: "sync", sentLsn: current, writeLsn: current, flushLsn: current, replayLsn: current, writeLagSeconds: 0, flushLagSeconds: 0, replayLagSeconds: 0, replayLagBytes: 0 },
    ],
    settings: { synchronous_commit: "on", synchronous_standby_names: 'FIRST 1 ("pg-eu-west-1")', default_transaction_read_only: "off", transaction_read_only: "off" },
  };
}
