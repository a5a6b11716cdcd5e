import "server-only";
import { observedRtoSchema, type RunView } from "@/contracts/runs";
import type { Run } from "../db/generated/client";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { runContextOf, runParamsOf } from "./stored-run";

const iso = (date: Date | null) => date?.toISOString() ?? null;

export type RunSummary = Omit<RunView, "steps" | "generatedAt">;

type RunRow = Run & { startedBy: { email: string } | null };

/** A run without its steps; `nameOf` turns replica ids into names. */
export function runSummary(run: RunRow, nameOf: (id: string | null) => string | null): RunSummary {
  const context = runContextOf(run.context);
  return {
    id: run.id,
    runbookId: run.runbookId,
    contentHash: run.contentHash,
    serviceId: run.serviceId,
    params: runParamsOf(run.params),
    mode: run.mode,
    status: run.status,
    actorType: run.actorType === "automation" ? "automation" : "user",
    startedBy: run.startedBy?.email ?? null,
    reason: run.reason,
    planId: run.planId,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    scheduledAt: iso(run.scheduledAt),
    inMaintenanceWindow: run.inMaintenanceWindow,
    primary: nameOf(context.primaryId),
    target: nameOf(context.targetId),
    others: context.otherIds.map((id) => nameOf(id) ?? id),
    fencedLsn: context.fencedLsn,
    observedRto: run.observedRto === null ? null : observedRtoSchema.parse(run.observedRto),
  };
}

/** Replica names by id for the given services, in one query. */
export async function replicaNames(serviceIds: readonly string[]): Promise<(id: string | null) => string | null> {
  const replicas = await db().replica.findMany({ where: { serviceId: { in: [...serviceIds] } }, select: { id: true, name: true } });
  const names = new Map(replicas.map((replica) => [replica.id, replica.name]));
  return (id) => (id ? (names.get(id) ?? id) : null);
}

/** Each step's agent command as the run's own definition says, forward and compensation apart. */
function commandsOf(definition: unknown): (stepId: string, phase: "forward" | "compensation") => string | null {
  const steps = (definition as { steps?: { id: string; command?: string; compensation?: { command?: string } }[] } | null)?.steps ?? [];
  return (stepId, phase) => {
    const step = steps.find((candidate) => candidate.id === stepId);
    return (phase === "forward" ? step?.command : step?.compensation?.command) ?? null;
  };
}

export async function runView(runId: string): Promise<RunView> {
  const run = await db().run.findUnique({
    where: { id: runId },
    include: { steps: { orderBy: [{ phase: "asc" }, { index: "asc" }] }, startedBy: { select: { email: true } } },
  });
  if (!run) throw new NotFoundError(`No run with id ${runId}.`);
  const [nameOf, deciders] = await Promise.all([
    replicaNames([run.serviceId]),
    db().user.findMany({ where: { id: { in: run.steps.flatMap((step) => (step.confirmedById ? [step.confirmedById] : [])) } }, select: { id: true, email: true } }),
  ]);
  const commandOf = commandsOf(run.definition);
  return {
    ...runSummary(run, nameOf),
    steps: run.steps.map((step) => ({
      id: step.id,
      stepId: step.stepId,
      index: step.index,
      phase: step.phase,
      kind: step.kind,
      command: commandOf(step.stepId, step.phase),
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
    generatedAt: new Date().toISOString(),
  };
}
