import "server-only";
import { db } from "../db/client";
import { replicaNames, runSummary, type RunSummary } from "./run-view";

export async function listRuns(serviceId: string | undefined, limit: number): Promise<RunSummary[]> {
  const runs = await db().run.findMany({
    where: serviceId ? { serviceId } : {},
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { startedBy: { select: { email: true } } },
  });
  const nameOf = await replicaNames([...new Set(runs.map((run) => run.serviceId))]);
  return runs.map((run) => runSummary(run, nameOf));
}
