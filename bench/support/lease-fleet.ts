import { generateKeyPairSync } from "node:crypto";
import { simulatedReport } from "@/agents/adapters/simulated-adapter";
import type { Db } from "@/server/db/client";
import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";
import { BENCH_REGIONS } from "./dashboard-fleet";

export interface LeaseFleetPrimary {
  serviceId: string;
  replica: string;
  token: string;
}

const serviceIdOf = (s: number) => `lease-${String(s).padStart(4, "0")}`;

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * `services` simulated services of `replicasPerService` replicas, each in a
 * region of its own, the write route pointing at the primary (so that it is
 * the replica that should hold the lease); every fifth service has a policy of
 * its own, the others the global default's. The topology goes straight into
 * the store (no API creates it in bulk); every replica's agent is registered
 * through the API and binds its witness key with a first report through the
 * API, so the primaries' rosters list their witnesses as in production.
 * Returns the primaries with their agents' tokens.
 */
export async function seedLeaseFleet(db: Db, url: string, adminToken: string, services: number, replicasPerService: number): Promise<LeaseFleetPrimary[]> {
  const regions = BENCH_REGIONS.slice(0, replicasPerService);
  if (regions.length < replicasPerService) throw new Error(`at most ${BENCH_REGIONS.length} replicas per service (one per region)`);
  const existing = new Set((await db.region.findMany({ select: { id: true } })).map((region) => region.id));
  for (const region of regions.filter((candidate) => !existing.has(candidate.id))) {
    const [cloud, code] = region.id.split(":") as [string, string];
    await db.region.create({ data: { id: region.id, cloud, code, jurisdiction: "US", displayName: region.id } });
  }
  const ids = Array.from({ length: services }, (_, s) => serviceIdOf(s));
  await db.service.createMany({ data: ids.map((id, s) => ({ id, name: `Lease benchmark service ${s}`, engine: "simulated" as const })) });
  await db.replica.createMany({
    data: ids.flatMap((serviceId, s) =>
      regions.map((region, r) => ({
        serviceId,
        regionId: region.id,
        name: `${serviceId}-${region.id.replace(":", "-")}`,
        role: r === s % regions.length ? ("primary" as const) : ("standby" as const),
        engine: "simulated" as const,
        host: "127.0.0.1",
        port: 5432,
        databaseName: "bench",
        replication: "async" as const,
      })),
    ),
  });
  await db.$executeRaw`UPDATE "Service" s SET "writeReplicaId" = r.id FROM "Replica" r WHERE r."serviceId" = s.id AND r.role = 'primary' AND s.id LIKE 'lease-%'`;
  for (const [s, serviceId] of ids.entries()) {
    if (s % 5 !== 0) continue;
    await db.policy.create({
      data: { scope: `service:${serviceId}`, serviceId, currentVersion: 1, versions: { create: { version: 1, document: { ...GLOBAL_DEFAULT_POLICY, heartbeat: { intervalSeconds: 1, missesBeforeUnfit: 10 } } } } },
    });
  }

  const replicas = await db.replica.findMany({ where: { serviceId: { in: ids } }, orderBy: [{ serviceId: "asc" }, { name: "asc" }] });
  const primaries: LeaseFleetPrimary[] = [];
  const post = (path: string, bearer: string, body: unknown) =>
    fetch(`${url}${path}`, { method: "POST", headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  await inParallel([...replicas.entries()], 8, async ([index, replica]) => {
    const registered = await post("/api/v1/agents", adminToken, { replicaId: replica.id, name: `agent-${replica.name}` });
    if (registered.status !== 201) throw new Error(`registering the agent of ${replica.name}: ${registered.status} ${await registered.text()}`);
    const { token } = (await registered.json()) as { token: string };
    const role = replica.role === "primary" ? "primary" : "standby";
    const witnessKey = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!;
    const report = { ...simulatedReport(index, 0, role), observedAt: new Date().toISOString() };
    const reported = await post("/api/v1/agents/reports", token, { sentAt: new Date().toISOString(), agentVersion: "bench", droppedReports: 0, witnessKey, reports: [report] });
    if (reported.status !== 200) throw new Error(`the first report of ${replica.name}: ${reported.status} ${await reported.text()}`);
    if (role === "primary") primaries.push({ serviceId: replica.serviceId, replica: replica.name, token });
  });
  return primaries.sort((a, b) => a.serviceId.localeCompare(b.serviceId));
}
