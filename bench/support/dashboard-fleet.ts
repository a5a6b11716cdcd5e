import type pg from "pg";
import { simulatedReport } from "@/agents/adapters/simulated-adapter";
import type { AgentReport } from "@/contracts/agent-reports";
import type { Db } from "@/server/db/client";
import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";

/** Ten regions on three clouds; the longitude stands in for distance when simulating witness round trips. */
export const BENCH_REGIONS = [
  { id: "aws:us-east-1", longitude: -77 },
  { id: "aws:us-west-2", longitude: -120 },
  { id: "gcp:us-central1", longitude: -95 },
  { id: "azure:eastus", longitude: -79 },
  { id: "aws:eu-west-1", longitude: -6 },
  { id: "gcp:europe-west3", longitude: 8 },
  { id: "azure:westeurope", longitude: 5 },
  { id: "aws:eu-central-1", longitude: 9 },
  { id: "aws:ap-southeast-1", longitude: 104 },
  { id: "gcp:asia-northeast1", longitude: 140 },
] as const;

const JURISDICTION: Record<string, string> = { us: "US", eastus: "US", eu: "EU", europe: "EU", westeurope: "EU", ap: "SG", asia: "JP" };

export interface BenchReplica {
  id: string;
  name: string;
  serviceId: string;
  regionId: string;
  role: "primary" | "standby";
  replication: "sync" | "async";
  index: number;
}

export const serviceIdOf = (s: number) => `bench-${String(s).padStart(3, "0")}`;

/**
 * Services of one replica in each of `regionsPerService` regions (10: every
 * region), the primary's region rotating and the next region's replica
 * synchronous, two datasets each; every fifth service has its own policy.
 */
export async function seedTopology(db: Db, services: number, regionsPerService: number = BENCH_REGIONS.length): Promise<BenchReplica[]> {
  const existing = new Set((await db.region.findMany({ select: { id: true } })).map((region) => region.id));
  for (const region of BENCH_REGIONS.filter((candidate) => !existing.has(candidate.id))) {
    const [cloud, code] = region.id.split(":") as [string, string];
    await db.region.create({ data: { id: region.id, cloud, code, jurisdiction: JURISDICTION[code.split("-")[0]!] ?? "US", displayName: region.id } });
  }
  for (let s = 0; s < services; s++) {
    const serviceId = serviceIdOf(s);
    await db.service.create({
      data: {
        id: serviceId,
        name: `Benchmark service ${s}`,
        engine: "simulated",
        datasets: {
          create: [
            { name: "orders", ownerTeam: "bench", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 },
            { name: "history", ownerTeam: "bench", consistency: "eventual", rpoSeconds: 10 + (s % 6) * 10, rtoSeconds: 600 },
          ],
        },
      },
    });
    const regions = Array.from({ length: regionsPerService }, (_, r) => BENCH_REGIONS[(s + r) % BENCH_REGIONS.length]!);
    await db.replica.createMany({
      data: regions.map((region, r) => ({
        serviceId,
        regionId: region.id,
        name: `${serviceId}-${region.id.replace(":", "-")}`,
        role: r === 0 ? ("primary" as const) : ("standby" as const),
        engine: "simulated" as const,
        host: "127.0.0.1",
        port: 5432,
        databaseName: "bench",
        replication: r === 1 ? ("sync" as const) : ("async" as const),
        promotionPriority: 100 - BENCH_REGIONS.indexOf(region),
      })),
    });
    const primary = await db.replica.findFirstOrThrow({ where: { serviceId, role: "primary" } });
    await db.service.update({ where: { id: serviceId }, data: { writeReplicaId: primary.id } });
    if (s % 5 === 0) {
      await db.policy.create({
        data: { scope: `service:${serviceId}`, serviceId, currentVersion: 1, versions: { create: { version: 1, document: { ...GLOBAL_DEFAULT_POLICY, heartbeat: { intervalSeconds: 1, missesBeforeUnfit: 10 } } } } },
      });
    }
  }
  const replicas = await db.replica.findMany({ where: { serviceId: { startsWith: "bench-" } }, orderBy: [{ serviceId: "asc" }, { name: "asc" }] });
  return replicas.map((replica, index) => ({ id: replica.id, name: replica.name, serviceId: replica.serviceId, regionId: replica.regionId, role: replica.role === "primary" ? "primary" : "standby", replication: replica.replication, index }));
}

function rttMs(from: string, to: string, jitter: number): number {
  const a = BENCH_REGIONS.find((region) => region.id === from)!.longitude;
  const b = BENCH_REGIONS.find((region) => region.id === to)!.longitude;
  const degrees = Math.min(Math.abs(a - b), 360 - Math.abs(a - b));
  return Math.round((2 + degrees * 0.9) * (0.9 + 0.2 * jitter) * 10) / 10;
}

/**
 * A replica's report now, probing the nine other replicas of its service as
 * a witness. Two services cannot reach azure:eastus at all and one probe in
 * 37 fails, so the matrix has unreachable and partly reachable cells. A
 * primary lists its standbys streaming from it, the synchronous one named in
 * its settings, as a real primary's report does.
 */
export function benchReport(replica: BenchReplica, siblings: readonly BenchReplica[], seq: number): AgentReport {
  const service = Number(replica.serviceId.slice(6));
  const peers = siblings
    .filter((peer) => peer.id !== replica.id)
    .map((peer, p) => {
      const cutOff = (service % 50 === 3 && peer.regionId === "azure:eastus") || (replica.index * 11 + p) % 37 === 0;
      return {
        replica: peer.name,
        regionId: peer.regionId,
        reachable: !cutOff,
        rttMs: cutOff ? null : rttMs(replica.regionId, peer.regionId, ((replica.index * 7 + p * 13) % 100) / 100),
        error: cutOff ? "connect ETIMEDOUT" : null,
      };
    });
  const report = simulatedReport(replica.index, seq, replica.role, { startMs: Date.now() - seq * 1000 });
  if (replica.role !== "primary") return { ...report, seq, observedAt: new Date().toISOString(), peers };
  const standbys = siblings.filter((peer) => peer.id !== replica.id);
  const current = report.lsn.current;
  const sync = standbys.filter((standby) => standby.replication === "sync").map((standby) => `"${standby.name}"`);
  return {
    ...report,
    seq,
    observedAt: new Date().toISOString(),
    peers,
    settings: { ...report.settings, synchronous_standby_names: sync.length ? `FIRST 1 (${sync.join(", ")})` : "" },
    standbys: standbys.map((standby) => ({
      applicationName: standby.name,
      clientAddr: "127.0.0.1",
      state: "streaming",
      syncState: standby.replication,
      sentLsn: current,
      writeLsn: current,
      flushLsn: current,
      replayLsn: current,
      writeLagSeconds: 0,
      flushLagSeconds: 0,
      replayLagSeconds: 0.01,
      replayLagBytes: 0,
    })),
  };
}

/**
 * 24 h of one-minute rollups for every benchmark replica (1,440 per replica),
 * and raw 1 s samples for the last `rawMinutes`, generated in the store with
 * generate_series. Lag follows a slow wave per replica; primaries have none.
 * History samples carry seq ≤ 0, below anything an agent sends.
 */
export async function seedHistory(sql: pg.Pool, rawMinutes: number): Promise<{ rollups: number; samples: number }> {
  const rollups = await sql.query(`
    INSERT INTO "SampleRollup" ("replicaId", "bucketStart", samples, "reachableSamples", "lagBytesMin", "lagBytesAvg", "lagBytesMax",
                                "lagSecondsMin", "lagSecondsAvg", "lagSecondsMax", "recoveryConflictsMax", "logicalConflictsMax")
    SELECT r.id, b, 60, 60,
           CASE WHEN standby THEN (w.lag * 0.6 * 65536)::bigint END, CASE WHEN standby THEN w.lag * 65536 END, CASE WHEN standby THEN (w.lag * 1.8 * 65536)::bigint END,
           CASE WHEN standby THEN w.lag * 0.6 END, CASE WHEN standby THEN w.lag END, CASE WHEN standby THEN w.lag * 1.8 END,
           0, 0
      FROM "Replica" r
     CROSS JOIN LATERAL (SELECT r.role = 'standby' AS standby, abs(hashtext(r.id)) % 628 / 100.0 AS phase) p
     CROSS JOIN generate_series(date_trunc('minute', now() - interval '24 hours'), date_trunc('minute', now()) - interval '1 minute', interval '1 minute') AS b
     CROSS JOIN LATERAL (SELECT 0.3 + 1.5 * (1 + sin(extract(epoch FROM b) / 900 + p.phase)) AS lag) w
     WHERE r."serviceId" LIKE 'bench-%'
    ON CONFLICT DO NOTHING`);
  const samples = await sql.query(
    `
    INSERT INTO "Sample" ("agentId", "replicaId", seq, "observedAt", "receivedAt", reachable, role, timeline,
                          "currentLsn", "receivedLsn", "replayedLsn", "lagBytes", "lagSeconds", "recoveryConflicts", "logicalConflicts", "queryLatencyMs")
    SELECT a.id, r.id, -g.i, t, t + interval '50 milliseconds', true, r.role, 1,
           CASE WHEN standby THEN NULL ELSE 50331648 + g.i * 65536 END,
           CASE WHEN standby THEN 50331648 + g.i * 65536 END, CASE WHEN standby THEN 50331648 + g.i * 65536 - (w.lag * 65536)::bigint END,
           CASE WHEN standby THEN (w.lag * 65536)::bigint END, CASE WHEN standby THEN w.lag END, 0, 0, 0.8
      FROM "Replica" r
      JOIN "Agent" a ON a."replicaId" = r.id
     CROSS JOIN LATERAL (SELECT r.role = 'standby' AS standby, abs(hashtext(r.id)) % 628 / 100.0 AS phase) p
     CROSS JOIN generate_series(1, $1::int * 60) AS g(i)
     CROSS JOIN LATERAL (SELECT date_trunc('second', now()) - make_interval(secs => g.i) AS t) s
     CROSS JOIN LATERAL (SELECT 0.3 + 1.5 * (1 + sin(extract(epoch FROM s.t) / 900 + p.phase)) AS lag) w
     WHERE r."serviceId" LIKE 'bench-%'`,
    [rawMinutes],
  );
  await sql.query(`ANALYZE "Sample"; ANALYZE "SampleRollup"; ANALYZE "ReplicaState"; ANALYZE "WitnessLink"; ANALYZE "Replica"`);
  return { rollups: rollups.rowCount ?? 0, samples: samples.rowCount ?? 0 };
}
