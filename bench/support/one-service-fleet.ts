import type { Db } from "@/server/db/client";

export const BENCH_FLEET_SERVICE = "bench-fleet";

/**
 * One simulated service with `replicas` standbys in one region, written
 * straight into the store: what the ingest and retention benchmarks measure
 * is reports, not topology.
 */
export async function createOneServiceFleet(db: Db, replicas: number): Promise<void> {
  await db.region.upsert({ where: { id: "bench:region-1" }, create: { id: "bench:region-1", cloud: "bench", code: "region-1", jurisdiction: "EU", displayName: "Bench" }, update: {} });
  await db.service.create({ data: { id: BENCH_FLEET_SERVICE, name: "Benchmark fleet", engine: "simulated" } });
  await db.replica.createMany({
    data: Array.from({ length: replicas }, (_, i) => ({
      serviceId: BENCH_FLEET_SERVICE,
      regionId: "bench:region-1",
      name: `replica-${i}`,
      role: "standby" as const,
      engine: "simulated" as const,
      host: "127.0.0.1",
      port: 1,
      databaseName: "bench",
      replication: "async" as const,
    })),
  });
}
