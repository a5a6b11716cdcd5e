import "server-only";
import { db } from "../db/client";
import { runView } from "./run-view";

export async function listRuns(serviceId: string | undefined, limit: number) {
  const runs = await db().run.findMany({ where: serviceId ? { serviceId } : {}, orderBy: { createdAt: "desc" }, take: limit, select: { id: true } });
  const views = await Promise.all(runs.map((run) => runView(run.id)));
  return views.map(({ steps: _steps, ...run }) => run);
}
