import "server-only";
import type { RecoveryHistory } from "@/contracts/drills";
import { db } from "../db/client";
import { NotFoundError } from "../errors";

const POINTS = 100;

/**
 * A service's drills and its other finished runs (planned and unplanned),
 * newest last, each with its observed RTO, and the datasets' budgets they
 * are judged against: what the service page charts. A drill's own runs
 * appear once, as the drill.
 */
export async function recoveryHistory(serviceId: string): Promise<RecoveryHistory> {
  const service = await db().service.findUnique({ where: { id: serviceId }, select: { id: true, datasets: { orderBy: { name: "asc" } } } });
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  const [drills, runs] = await Promise.all([
    db().drill.findMany({ where: { serviceId, report: { isNot: null } }, orderBy: { createdAt: "desc" }, take: POINTS, include: { report: true } }),
    db().run.findMany({ where: { serviceId, finishedAt: { not: null } }, orderBy: { finishedAt: "desc" }, take: POINTS, select: { id: true, runbookId: true, finishedAt: true, observedRtoMs: true, status: true } }),
  ]);
  const drillRuns = new Set((await db().drill.findMany({ where: { serviceId, OR: [{ runId: { in: runs.map((run) => run.id) } }, { switchBackRunId: { in: runs.map((run) => run.id) } }] }, select: { runId: true, switchBackRunId: true } })).flatMap((drill) => [drill.runId, drill.switchBackRunId]));
  const points: RecoveryHistory["points"] = [
    ...drills.map((drill) => ({
      at: (drill.finishedAt ?? drill.createdAt).toISOString(),
      kind: "drill" as const,
      id: drill.id,
      runbookId: drill.runbookId,
      observedRtoSeconds: drill.report!.observedRtoMs === null ? null : drill.report!.observedRtoMs / 1000,
      lostWrites: drill.report!.lostWrites,
      passed: drill.report!.passed,
    })),
    ...runs
      .filter((run) => !drillRuns.has(run.id) && run.observedRtoMs !== null)
      .map((run) => ({ at: run.finishedAt!.toISOString(), kind: "run" as const, id: run.id, runbookId: run.runbookId, observedRtoSeconds: run.observedRtoMs! / 1000, lostWrites: null, passed: null })),
  ];
  return {
    serviceId,
    datasets: service.datasets.map(({ name, consistency, rpoSeconds, rtoSeconds }) => ({ name, consistency, rpoSeconds, rtoSeconds })),
    points: points.sort((a, b) => a.at.localeCompare(b.at)),
  };
}
