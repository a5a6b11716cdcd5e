import "server-only";
import type { RunContext } from "@/core/runbooks/run-context";
import { db } from "../db/client";

export interface HookReplica {
  name: string;
  region: string;
  host: string;
  port: number;
}

const fields = { name: true, regionId: true, host: true, port: true } as const;

/** What a hook is told about a run, as the store has it now: the service's epoch and the run's primary and target. */
export async function runReplicas(serviceId: string, context: Pick<RunContext, "primaryId" | "targetId">): Promise<{ epoch: number; primary: HookReplica | null; target: HookReplica | null }> {
  const [service, primary, target] = await Promise.all([
    db().service.findUniqueOrThrow({ where: { id: serviceId }, select: { epoch: true } }),
    context.primaryId ? db().replica.findUnique({ where: { id: context.primaryId }, select: fields }) : null,
    context.targetId ? db().replica.findUnique({ where: { id: context.targetId }, select: fields }) : null,
  ]);
  const replica = (row: typeof primary): HookReplica | null => (row ? { name: row.name, region: row.regionId, host: row.host, port: row.port } : null);
  return { epoch: service.epoch, primary: replica(primary), target: replica(target) };
}
