import {
  DEMO_DATASETS,
  DEMO_REGIONS,
  DEMO_REPLICAS,
  DEMO_SERVICE,
  DEMO_SERVICE_POLICY,
  DEMO_WRITE_REPLICA,
  GLOBAL_DEFAULT_POLICY,
} from "@/prisma/seed/demo-topology";
import { appendAuditEvent, SYSTEM_ACTOR } from "../audit/append-audit-event";
import type { Db } from "../db/client";
import { GLOBAL_POLICY_SCOPE, servicePolicyScope } from "../policy/effective-policy";

/**
 * Creates whatever part of the demo topology is missing and leaves everything
 * that exists alone: a failover that moved the primary, or an edited policy,
 * survives a restart. Returns what it created (nothing on a second run).
 */
export async function seedDemoTopology(client: Db): Promise<string[]> {
  return client.$transaction(async (tx) => {
    const created: string[] = [];

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

    const policies = [
      { scope: GLOBAL_POLICY_SCOPE, serviceId: null, document: GLOBAL_DEFAULT_POLICY },
      { scope: servicePolicyScope(DEMO_SERVICE.id), serviceId: DEMO_SERVICE.id, document: DEMO_SERVICE_POLICY },
    ];
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

    if (created.length > 0) {
      await appendAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "store.seed",
        target: { type: "store", id: null },
        reason: "demo topology created on a fresh store",
        after: { created },
      });
    }
    return created;
  });
}
