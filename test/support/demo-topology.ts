import { DEMO_ORDERS, DEMO_REGIONS, type DemoService } from "@/prisma/seed/demo-topology";
import { appendAuditEvent, SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import type { Db } from "@/server/db/client";
import type { Tx } from "@/server/db/transaction";
import { servicePolicyScope } from "@/server/policy/effective-policy";
import { seedDefaults } from "@/server/store/seed";

/**
 * A fixture for tests of the server's parts: the store's defaults and the
 * lab's topology (by default orders-db alone in three regions, with its
 * policy; pass DEMO_SERVICES for payments-db too), written straight to the
 * store, as the lab would have onboarded it through the API. Creates
 * whatever part is missing and leaves everything that exists alone.
 * Returns what it created (nothing on a second run).
 */
export async function seedDemoTopology(client: Db, services: readonly DemoService[] = [DEMO_ORDERS]): Promise<string[]> {
  const defaults = await seedDefaults(client);
  return client.$transaction(async (tx) => {
    const created: string[] = [...defaults];

    for (const region of DEMO_REGIONS) {
      if (await tx.region.findUnique({ where: { id: region.id } })) continue;
      await tx.region.create({ data: region });
      created.push(`region ${region.id}`);
    }

    for (const demo of services) created.push(...(await seedService(tx, demo)));

    if (created.length > defaults.length) {
      await appendAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "store.seed",
        target: { type: "store", id: null },
        reason: "the lab's topology, written by a test fixture",
        after: { created },
      });
    }
    return created;
  });
}

async function seedService(tx: Tx, demo: DemoService): Promise<string[]> {
  const created: string[] = [];
  const serviceId = demo.service.id;
  if (!(await tx.service.findUnique({ where: { id: serviceId } }))) {
    await tx.service.create({ data: demo.service });
    created.push(`service ${serviceId}`);
  }

  for (const dataset of demo.datasets) {
    const key = { serviceId_name: { serviceId, name: dataset.name } };
    if (await tx.dataset.findUnique({ where: key })) continue;
    await tx.dataset.create({ data: { ...dataset, serviceId } });
    created.push(`dataset ${serviceId}/${dataset.name}`);
  }

  for (const replica of demo.replicas) {
    if (await tx.replica.findFirst({ where: { serviceId, name: replica.name, retiredAt: null } })) continue;
    await tx.replica.create({
      data: { ...replica, serviceId, engine: "postgresql", host: "127.0.0.1", databaseName: demo.databaseName },
    });
    created.push(`replica ${replica.name}`);
  }

  const service = await tx.service.findUniqueOrThrow({ where: { id: serviceId } });
  if (!service.writeReplicaId) {
    const writeReplica = await tx.replica.findFirstOrThrow({ where: { serviceId, name: demo.writeReplica, retiredAt: null } });
    await tx.service.update({ where: { id: serviceId }, data: { writeReplicaId: writeReplica.id } });
    created.push(`write route ${serviceId} → ${demo.writeReplica}`);
  }

  const scope = servicePolicyScope(serviceId);
  if (!(await tx.policy.findUnique({ where: { scope } }))) {
    await tx.policy.create({ data: { scope, serviceId, currentVersion: 1, versions: { create: { version: 1, document: demo.policy } } } });
    created.push(`policy ${scope} v1`);
  }
  return created;
}
