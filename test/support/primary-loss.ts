import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { call } from "./api";
import { batchOf, standbyReport } from "./reports";

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

/**
 * Registers an agent for each of orders-db's replicas and has each report once
 * through the ingest API (the standbys no longer reaching the primary), then
 * dates the primary's last report back 2 minutes and the witnesses' failure
 * streaks back 90 s: a loss the automation confirms under a staleness window
 * of up to a minute.
 */
export async function confirmedPrimaryLoss(): Promise<void> {
  const deliveries: [string, (seq: number) => AgentReport][] = [
    ["pg-us-east-1", primaryReport],
    ["pg-eu-west-1", (seq) => standby("pg-eu-west-1", seq, false)],
    ["pg-europe-west3", (seq) => standby("pg-europe-west3", seq, false)],
  ];
  for (const [name, report] of deliveries) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const { token } = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    const { status } = await call(ingestRoute, { method: "POST", token, body: batchOf([report(1)]) });
    if (status !== 200) throw new Error(`${name}'s report was refused with ${status}`);
  }
  await db().$executeRaw`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '120 seconds'
    WHERE "replicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-us-east-1')`;
  await db().$executeRaw`UPDATE "WitnessLink" SET "unreachableSince" = now() - interval '90 seconds'
    WHERE "toReplicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-us-east-1') AND NOT reachable`;
}
