import { appendAuditEvent, SYSTEM_ACTOR } from "../audit/append-audit-event";
import type { Db } from "../db/client";

export interface LabEndpoint {
  serviceId: string;
  name: string;
  host: string;
  port: number;
}

/**
 * The lab picks free ports when it first builds its clusters; the topology
 * must point at where they really listen, for every service the lab runs.
 * Changes are audited like any other.
 */
export async function syncLabEndpoints(client: Db, endpoints: readonly LabEndpoint[]): Promise<string[]> {
  return client.$transaction(async (tx) => {
    const changed: string[] = [];
    for (const endpoint of endpoints) {
      const replica = await tx.replica.findFirst({ where: { serviceId: endpoint.serviceId, name: endpoint.name, retiredAt: null } });
      if (!replica || (replica.host === endpoint.host && replica.port === endpoint.port)) continue;
      await tx.replica.update({ where: { id: replica.id }, data: { host: endpoint.host, port: endpoint.port } });
      await appendAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "replica.update",
        target: { type: "replica", id: replica.id },
        serviceId: replica.serviceId,
        reason: "the lab's cluster for this replica listens elsewhere",
        before: { host: replica.host, port: replica.port },
        after: { host: endpoint.host, port: endpoint.port },
      });
      changed.push(`${endpoint.name} → ${endpoint.host}:${endpoint.port}`);
    }
    return changed;
  });
}
