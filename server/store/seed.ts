import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";
import { appendAuditEvent, SYSTEM_ACTOR } from "../audit/append-audit-event";
import type { Db } from "../db/client";
import { GLOBAL_POLICY_SCOPE } from "../policy/effective-policy";

/**
 * What a fresh store needs before anyone signs in: the global default policy
 * every service inherits. Regions, services and replicas are a user's to
 * declare (through the API, the CLI or the console; the lab onboards itself
 * the same way), so none is created here. Leaves an existing policy alone:
 * an edited one survives a restart. Returns what it created.
 */
export async function seedDefaults(client: Db): Promise<string[]> {
  return client.$transaction(async (tx) => {
    if (await tx.policy.findUnique({ where: { scope: GLOBAL_POLICY_SCOPE } })) return [];
    await tx.policy.create({
      data: { scope: GLOBAL_POLICY_SCOPE, serviceId: null, currentVersion: 1, versions: { create: { version: 1, document: GLOBAL_DEFAULT_POLICY } } },
    });
    const created = [`policy ${GLOBAL_POLICY_SCOPE} v1`];
    await appendAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "store.seed",
      target: { type: "store", id: null },
      reason: "defaults created on a fresh store",
      after: { created },
    });
    return created;
  });
}
