import "server-only";
import { EMPTY_RUN_CONTEXT, type RunContext } from "@/core/runbooks/run-context";
import type { RunView } from "@/contracts/runs";
import { db } from "../db/client";
import { NotFoundError } from "../errors";

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function runContextOf(value: unknown): RunContext {
  return { ...EMPTY_RUN_CONTEXT, ...(value as Partial<RunContext>) };
}

export async function runView(runId: string): Promise<RunView> {
  const run = await db().run.findUnique({
    where: { id: runId },
    include: { steps: { orderBy: [{ phase: "asc" }, { index: "asc" }] }, startedBy: { select: { email: true } } },
  });
  if (!run) throw new NotFoundError(`No run with id ${runId}.`);
  const replicas = await db().replica.findMany({ where: { serviceId: run.serviceId }, select: { id: true, name: true } });
  const deciders = await db().user.findMany({ where: { id: { in: run.steps.flatMap((step) => (step.confirmedById ? [step.confirmedById] : [])) } }, select: { id: true, email: true } });
  const nameOf = (id: string | null) => (id ? (replicas.find((replica) => replica.id === id)?.name ?? id) : null);
  const context = runContextOf(run.context);
  return {
    id: run.id,
    runbookId: run.runbookId,
    contentHash: run.contentHash,
    serviceId: run.serviceId,
    params: run.params as Record<string, string>,
    mode: run.mode,
    status: run.status,
    startedBy: run.startedBy?.email ?? null,
    reason: run.reason,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    primary: nameOf(context.primaryId),
    target: nameOf(context.targetId),
    others: context.otherIds.map((id) => nameOf(id) ?? id),
    fencedLsn: context.fencedLsn,
    steps: run.steps.map((step) => ({
      id: step.id,
      stepId: step.stepId,
      index: step.index,
      phase: step.phase,
      kind: step.kind,
      title: step.title,
      state: step.state,
      attempts: step.attempts,
      targets: step.targets.map((id) => nameOf(id) ?? id),
      startedAt: iso(step.startedAt),
      finishedAt: iso(step.finishedAt),
      deadlineAt: iso(step.deadlineAt),
      output: step.output ?? null,
      error: step.error,
      decidedBy: deciders.find((user) => user.id === step.confirmedById)?.email ?? null,
      note: step.note,
    })),
  };
}
