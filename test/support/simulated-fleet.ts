import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";
import { db } from "@/server/db/client";
import { seedDefaults } from "@/server/store/seed";
import { standbyReport } from "./reports";
import { sql } from "./sql";

/** The three regions of a simulated fleet's services; create them before the services. */
export const FLEET_REGIONS = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"];

export const fleetServiceId = (s: number) => `scale-${String(s).padStart(3, "0")}`;

/**
 * The store's defaults and the fleet's regions, with the global policy's
 * staleness window widened to a minute (a slow machine cannot make the
 * fleet's fresh states stale mid-test; silence is made by dating states
 * back) and alerts firing as soon as their condition holds.
 */
export async function seedFleetStore(): Promise<void> {
  await seedDefaults(db());
  const version = await db().policyVersion.findFirstOrThrow();
  await db().policyVersion.update({
    where: { id: version.id },
    data: { document: { ...GLOBAL_DEFAULT_POLICY, heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 }, alerts: { ...GLOBAL_DEFAULT_POLICY.alerts, forSeconds: 0 } } },
  });
  await addFleetRegions();
}

async function addFleetRegions(): Promise<void> {
  await db().region.createMany({ data: FLEET_REGIONS.map((id) => ({ id, cloud: id.split(":")[0]!, code: id.split(":")[1]!, jurisdiction: "EU", displayName: id })) });
}

/**
 * Services `from` to `to` (excluded), written straight to the store: each a
 * primary and two standbys with active agents that report healthy now, the
 * write route on the primary.
 */
export async function addFleetServices(from: number, to: number): Promise<void> {
  const ids = Array.from({ length: to - from }, (_, s) => fleetServiceId(from + s));
  await db().service.createMany({ data: ids.map((id) => ({ id, name: id, engine: "simulated" as const })) });
  await db().dataset.createMany({ data: ids.map((serviceId) => ({ serviceId, name: "events", ownerTeam: "scale", consistency: "eventual" as const, rpoSeconds: 30, rtoSeconds: 60 })) });
  const replicas = await db().replica.createManyAndReturn({
    data: ids.flatMap((serviceId) =>
      FLEET_REGIONS.map((regionId, r) => ({
        serviceId,
        regionId,
        name: `${serviceId}-r${r}`,
        role: r === 0 ? ("primary" as const) : ("standby" as const),
        engine: "simulated" as const,
        host: "127.0.0.1",
        port: 1,
        databaseName: "x",
        replication: "async" as const,
      })),
    ),
  });
  const agents = await db().agent.createManyAndReturn({
    data: replicas.map((replica) => ({ replicaId: replica.id, name: `agent-${replica.name}`, tokenHash: `hash-${replica.id}`, tokenPrefix: "scale", seqBaselinePending: false })),
  });
  const agentOf = new Map(agents.map((agent) => [agent.replicaId, agent.id]));
  const now = new Date();
  await db().replicaState.createMany({
    data: replicas.map((replica) => {
      const primary = replica.role === "primary";
      const report = primary
        ? standbyReport(1, { role: "primary", lsn: { current: "50331744", received: null, replayed: null }, lag: { bytes: null, seconds: null }, walReceiver: null })
        : standbyReport(1);
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
        report: { ...report, settings: { ...report.settings, transaction_read_only: primary ? "off" : "on" } } as object,
      };
    }),
  });
  await sql(`UPDATE "Service" s SET "writeReplicaId" = r.id FROM "Replica" r WHERE r."serviceId" = s.id AND r.role = 'primary' AND s."writeReplicaId" IS NULL`);
}
