import {
  DEMO_DATASETS,
  DEMO_REGIONS,
  DEMO_REPLICAS,
  DEMO_SERVICE,
  DEMO_SERVICE_POLICY,
  DEMO_WRITE_REPLICA,
} from "@/prisma/seed/demo-topology";
import { appendAuditEvent, SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import type { Db } from "@/server/db/client";
import { servicePolicyScope } from "@/server/policy/effective-policy";
import { seedDefaults } from "@/server/store/seed";

/**
 * A fixture for tests of the server's parts: the store's defaults and the
 * lab's topology (orders-db in three regions, with its policy), written
 * straight to the store, as the lab would have onboarded it through the API.
 * Creates whatever part is missing and leaves everything that exists alone.
 * Returns what it created (nothing on a second run).
 */
export async function seedDemoTopology(client: Db): Promise<string[]> {
  const defaults = await seedDefaults(client);
  return client.$transaction(async (tx) => {
    const created: string[] = [...defaults];

    for (const region of DEMO_REGIONS) {
      if (await tx.region.findUnique({ where: { id: region.id } })) continue;
      await tx.region.create({ data: region });
      created.push(`region ${region.id}`);
    }

    if (!(await tx.service.findUnique({ where: { id: DEMO_SERVICE.id } }))) {
      await tx.service.create({ data: DEMO_SERVICE });
      created.push(`service ${DEMO_SERVICE.id}`);
    }

    for (const dataset of DEMO_DATASETS) {
      const key = { serviceId_name: { serviceId: DEMO_SERVICE.id, name: dataset.name } };
      if (await tx.dataset.findUnique({ where: key })) continue;
      await tx.dataset.create({ data: { ...dataset, serviceId: DEMO_SERVICE.id } });
      created.push(`dataset ${DEMO_SERVICE.id}/${dataset.name}`);
    }

    for (const replica of DEMO_REPLICAS) {
      if (await tx.replica.findFirst({ where: { serviceId: DEMO_SERVICE.id, name: replica.name, retiredAt: null } })) continue;
      await tx.replica.create({
        data: { ...replica, serviceId: DEMO_SERVICE.id, engine: "postgresql", host: "127.0.0.1", databaseName: "orders" },
      });
      created.push(`replica ${replica.name}`);
    }

    const service = await tx.service.findUniqueOrThrow({ where: { id: DEMO_SERVICE.id } });
    if (!service.writeReplicaId) {
      const writeReplica = await tx.replica.findFirstOrThrow({ where: { serviceId: DEMO_SERVICE.id, name: DEMO_WRITE_REPLICA, retiredAt: null } });
      await tx.service.update({ where: { id: DEMO_SERVICE.id }, data: { writeReplicaId: writeReplica.id } });
      created.push(`write route ${DEMO_SERVICE.id} → ${DEMO_WRITE_REPLICA}`);
    }

    const policies = [{ scope: servicePolicyScope(DEMO_SERVICE.id), serviceId: DEMO_SERVICE.id, document: DEMO_SERVICE_POLICY }];
    for (const policy of policies) {
      if (await tx.policy.findUnique({ where: { scope: policy.scope } })) continue;
      await tx.policy.create({
        data: {
          scope: policy.scope,
          serviceId: policy.serviceId,
          currentVersion: 1,
          versions: { create: { version: 1, document: policy.document } },
        },
      });
      created.push(`policy ${policy.scope} v1`);
    }

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
