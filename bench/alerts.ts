/**
 * Alert evaluation benchmark: one evaluation as the alerting lease holder
 * runs it, in-process, over an embedded store holding a simulated fleet
 * (services of three replicas by default, each with an agent, a latest state
 * carrying a full report, and the last minute of 1 s samples) written
 * straight to the store. Measures
 *  - steady state: every state fresh, nothing changing (statements per evaluation too);
 *  - a mass change: every replica goes silent at once (each raises
 *    heartbeat-stale, firing at once: the policy's window is set to 0), then
 *    every one reports again (each alert resolves).
 *
 *   npm run bench:alerts -- --services 1000 --replicas 3 --steady 30 --rounds 3
 */
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { AgentReport } from "@/contracts/agent-reports";
import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";
import { startEmbeddedStore } from "@/server/store/embedded-store";
import { prepareStore } from "@/server/store/prepare-store";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "1000" },
    replicas: { type: "string", default: "3" },
    steady: { type: "string", default: "30" },
    rounds: { type: "string", default: "3" },
  },
});
const SERVICES = Number(values.services);
const REPLICAS = Number(values.replicas);
const STEADY = Number(values.steady);
const ROUNDS = Number(values.rounds);
const REGIONS = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3", "aws:us-west-2", "gcp:us-central1", "azure:westeurope", "aws:ap-southeast-1", "gcp:asia-northeast1", "azure:eastus", "aws:eu-central-1"];

/** SQL statements sent to PostgreSQL, through Prisma's driver and the pg pool alike. */
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** What a real agent reports (kilobytes once a primary lists its standbys, slots and peers). */
function reportOf(name: string, primary: boolean, siblings: readonly string[]): AgentReport {
  const now = new Date().toISOString();
  const others = siblings.filter((sibling) => sibling !== name);
  return {
    seq: 1,
    observedAt: now,
    engine: "postgresql",
    reachable: true,
    error: null,
    queryLatencyMs: 0.8,
    role: primary ? "primary" : "standby",
    timeline: 1,
    lsn: primary ? { current: "50331744", received: null, replayed: null } : { current: null, received: "50331744", replayed: "50331648" },
    lag: primary ? { bytes: null, seconds: null } : { bytes: 96, seconds: 0.05 },
    standbys: primary
      ? others.map((other, i) => ({
          applicationName: other,
          clientAddr: "10.0.0.1",
          state: "streaming",
          syncState: i === 0 ? "sync" : "async",
          sentLsn: "50331744",
          writeLsn: "50331744",
          flushLsn: "50331744",
          replayLsn: "50331648",
          writeLagSeconds: 0.001,
          flushLagSeconds: 0.002,
          replayLagSeconds: 0.003,
          replayLagBytes: 96,
        }))
      : [],
    walReceiver: primary
      ? null
      : { status: "streaming", senderHost: "10.0.0.1", senderPort: 5432, receivedTli: 1, flushedLsn: "50331744", lastMessageAt: now, slotName: name.replaceAll("-", "_") },
    slots: primary ? others.map((other) => ({ name: other.replaceAll("-", "_"), active: true, retainedBytes: 96, walStatus: "reserved" })) : [],
    conflicts: { recovery: 0, logical: 0 },
    settings: {
      synchronous_commit: "on",
      synchronous_standby_names: primary && others.length ? `FIRST 1 ("${others[0]}")` : "",
      default_transaction_read_only: "off",
      transaction_read_only: primary ? "off" : "on",
    },
    peers: others.map((other) => ({ replica: other, regionId: REGIONS[0]!, reachable: true, rttMs: 42.5, error: null })),
  } as AgentReport;
}

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-alerts-"));
chmodSync(dir, 0o755);
const store = await startEmbeddedStore(dir);
try {
  // As the control plane runs: migrated by the owner, measured as the application role.
  process.env.DATABASE_URL = store.url;
  await prepareStore({ appUrl: store.url, migrationUrl: store.migrationUrl });
  const { db } = await import("@/server/db/client");
  const { sqlPool } = await import("@/server/db/sql-pool");
  const { seedDefaults } = await import("@/server/store/seed");
  const { acquireLease } = await import("@/server/lease/lease");
  const { ALERTING_LEASE } = await import("@/server/alerts/alerting-loop");
  const { evaluateAlerts } = await import("@/server/alerts/evaluate-alerts");
  const { verifyAuditChain } = await import("@/server/audit/verify-audit-chain");
  const sql = sqlPool();

  let started = performance.now();
  await seedDefaults(db());
  // Alerts fire as soon as their condition holds, so a mass change is a mass of firings (audited and notified).
  await sql.query(`UPDATE "PolicyVersion" SET document = $1`, [{ ...GLOBAL_DEFAULT_POLICY, alerts: { ...GLOBAL_DEFAULT_POLICY.alerts, forSeconds: 0 } }]);
  process.env.SWITCHYARD_ALERT_WEBHOOKS = "http://127.0.0.1:9/alerts";
  await db().region.createMany({ data: REGIONS.slice(0, REPLICAS).map((id) => ({ id, cloud: id.split(":")[0]!, code: id.split(":")[1]!, jurisdiction: "US", displayName: id })) });
  const serviceIds = Array.from({ length: SERVICES }, (_, s) => `bench-${String(s).padStart(4, "0")}`);
  await db().service.createMany({ data: serviceIds.map((id) => ({ id, name: id, engine: "postgresql" as const })) });
  await db().dataset.createMany({
    data: serviceIds.flatMap((serviceId) => [
      { serviceId, name: "orders", ownerTeam: "bench", consistency: "strong" as const, rpoSeconds: 0, rtoSeconds: 60 },
      { serviceId, name: "history", ownerTeam: "bench", consistency: "eventual" as const, rpoSeconds: 30, rtoSeconds: 600 },
    ]),
  });
  const names = (serviceId: string) => Array.from({ length: REPLICAS }, (_, r) => `${serviceId}-r${r}`);
  const replicas = await db().replica.createManyAndReturn({
    data: serviceIds.flatMap((serviceId) =>
      names(serviceId).map((name, r) => ({
        serviceId,
        regionId: REGIONS[r]!,
        name,
        role: r === 0 ? ("primary" as const) : ("standby" as const),
        engine: "postgresql" as const,
        host: "127.0.0.1",
        port: 5432,
        databaseName: "bench",
        replication: r === 1 ? ("sync" as const) : ("async" as const),
        promotionPriority: 100 - r,
      })),
    ),
  });
  await sql.query(`UPDATE "Service" s SET "writeReplicaId" = r.id FROM "Replica" r WHERE r."serviceId" = s.id AND r.role = 'primary'`);
  const agents = await db().agent.createManyAndReturn({
    data: replicas.map((replica) => ({ replicaId: replica.id, name: `agent-${replica.name}`, tokenHash: `hash-${replica.id}`, tokenPrefix: "bench", seqBaselinePending: false, lastSeq: 1n })),
  });
  const agentOf = new Map(agents.map((agent) => [agent.replicaId, agent.id]));
  const now = new Date();
  for (let i = 0; i < replicas.length; i += 500) {
    await db().replicaState.createMany({
      data: replicas.slice(i, i + 500).map((replica) => {
        const primary = replica.role === "primary";
        return {
          replicaId: replica.id,
          agentId: agentOf.get(replica.id)!,
          lastSeq: 1n,
          observedAt: now,
          receivedAt: now,
          reachable: true,
          role: replica.role,
          lagBytes: primary ? null : 96n,
          lagSeconds: primary ? null : 0.05,
          recoveryConflicts: 0,
          logicalConflicts: 0,
          report: reportOf(replica.name, primary, names(replica.serviceId)) as object,
        };
      }),
    });
  }
  // The last minute of samples, as a reporting fleet leaves them: the conflicts rule reads them.
  await sql.query(`
    INSERT INTO "Sample" ("agentId", "replicaId", seq, "observedAt", "receivedAt", reachable, role, "lagBytes", "lagSeconds", "recoveryConflicts", "logicalConflicts")
    SELECT a.id, a."replicaId", -g.i, now() - make_interval(secs => g.i), now() - make_interval(secs => g.i), true, 'standby', 96, 0.05, 0, 0
      FROM "Agent" a CROSS JOIN generate_series(1, 60) AS g(i)`);
  await sql.query(`ANALYZE`);
  const seedSeconds = round((performance.now() - started) / 1000);
  const reportBytes = (await sql.query<{ avg: number }>(`SELECT avg(pg_column_size(report))::int AS avg FROM "ReplicaState"`)).rows[0]!.avg;

  const grant = await acquireLease(ALERTING_LEASE, "bench", 3_600_000);
  const lease = { name: ALERTING_LEASE, holder: "bench", token: grant.token };
  const fresh = () => sql.query(`UPDATE "ReplicaState" SET "receivedAt" = now()`);
  const silent = () => sql.query(`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '1 hour'`);
  const open = async () => Number((await sql.query(`SELECT count(*) FROM "Alert" WHERE state <> 'resolved'`)).rows[0].count);

  /** One evaluation, timed; a failed one is counted, not fatal (the loop would retry it a second later). */
  async function evaluation() {
    const before = statements;
    const t0 = performance.now();
    let outcome: unknown;
    let error: string | null = null;
    try {
      outcome = await evaluateAlerts(lease);
    } catch (caught) {
      error = (caught as Error).message.split("\n").slice(-1)[0]!.slice(0, 300);
    }
    const ms = performance.now() - t0;
    const changes = Array.isArray(outcome) ? outcome.length : ((outcome as { changes?: unknown[] } | undefined)?.changes?.length ?? null);
    const batches = (outcome as { batches?: number } | undefined)?.batches ?? null;
    return { ms: round(ms), statements: statements - before, changes, batches, error };
  }

  // Steady state: the fleet keeps reporting, nothing changes.
  await fresh();
  for (let i = 0; i < 3; i++) await evaluation();
  const steady = [];
  for (let i = 0; i < STEADY; i++) {
    await fresh();
    steady.push(await evaluation());
  }
  const steadyMs = summarize(steady.map((run) => run.ms));

  // Mass changes: every replica silent at once, then every one back.
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    await silent();
    const fire = await evaluation();
    const firing = await open();
    await fresh();
    const resolve = await evaluation();
    rounds.push({ silent: fire, openAfter: firing, back: resolve, openAfterBack: await open() });
    // A failed pass leaves what it did not write for the next one, a second later in the product.
    for (let retry = 0; retry < 10 && (await open()) > 0; retry++) {
      await fresh();
      await evaluation();
    }
  }
  const chain = await verifyAuditChain(db());
  const audit = (await sql.query(`SELECT action, count(*)::int AS n FROM "AuditEvent" GROUP BY action ORDER BY action`)).rows;

  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
        parameters: { services: SERVICES, replicasPerService: REPLICAS, steadyEvaluations: STEADY, rounds: ROUNDS },
        seedSeconds,
        averageStoredReportBytes: reportBytes,
        steadyState: { p50Ms: round(steadyMs.p50), p95Ms: round(steadyMs.p95), maxMs: round(steadyMs.max), statements: [...new Set(steady.map((run) => run.statements))], errors: steady.filter((run) => run.error).length },
        massChanges: rounds,
        audit,
        chainIntact: chain.intact,
      },
      null,
      2,
    ),
  );
} finally {
  const holder = globalThis as unknown as { switchyardDb?: { $disconnect(): Promise<void> }; switchyardSqlPool?: pg.Pool };
  await holder.switchyardDb?.$disconnect();
  await holder.switchyardSqlPool?.end();
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
}
