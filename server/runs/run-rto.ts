import "server-only";
import { observedRto, type ObservedRto } from "@/core/drills/observed-rto";
import type { Run, StepRun } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { runContextOf, runDefinitionOf } from "./stored-run";

/** How far before the run the old primary's last report as primary is looked for: a loss older than this is not this run's. */
const LOSS_LOOKBACK_MS = 10 * 60_000;

type Db = Pick<Tx, "$queryRaw" | "stepRun">;

async function reportAsPrimary(client: Db, replicaId: string | null, range: { after: Date; before: Date }, last: boolean): Promise<Date | null> {
  if (!replicaId) return null;
  const rows = last
    ? await client.$queryRaw<{ receivedAt: Date }[]>`
        SELECT "receivedAt" FROM "Sample"
         WHERE "replicaId" = ${replicaId} AND reachable AND role = 'primary'
           AND "observedAt" > ${range.after} AND "receivedAt" > ${range.after} AND "receivedAt" < ${range.before}
         ORDER BY "receivedAt" DESC LIMIT 1`
    : await client.$queryRaw<{ receivedAt: Date }[]>`
        SELECT "receivedAt" FROM "Sample"
         WHERE "replicaId" = ${replicaId} AND reachable AND role = 'primary'
           AND "observedAt" > ${new Date(range.after.getTime() - LOSS_LOOKBACK_MS)} AND "receivedAt" > ${range.after} AND "receivedAt" < ${range.before}
         ORDER BY "receivedAt" ASC LIMIT 1`;
  return rows[0]?.receivedAt ?? null;
}

/**
 * Measures what users saw of a run (core/drills/observed-rto) from its
 * steps (when it fenced, when it switched the route) and the samples of the
 * old and the new primary, read through `client` (the finishing
 * transaction, so the measurement is stored with the run's end).
 */
export async function measureRunRto(client: Db, run: Run & { steps?: StepRun[] }, now: Date): Promise<ObservedRto> {
  const definition = runDefinitionOf(run.definition);
  const context = runContextOf(run.context);
  const steps = run.steps ?? (await client.stepRun.findMany({ where: { runId: run.id } }));
  const forward = (stepId: string | undefined) => steps.find((step) => step.phase === "forward" && step.stepId === stepId);
  const fenceStep = forward(definition.steps.find((step) => step.kind === "agent" && step.command === "fence")?.id);
  const routeStep = forward(definition.steps.find((step) => step.kind === "route")?.id);
  const startedAt = run.startedAt ?? run.createdAt;
  const fenceIssuedAt = fenceStep?.state === "succeeded" ? fenceStep.startedAt : null;
  const routeSwitchedAt = routeStep?.state === "succeeded" ? routeStep.finishedAt : null;
  const [oldPrimaryLastReportAt, newPrimaryFirstReportAt] = await Promise.all([
    fenceIssuedAt ? null : reportAsPrimary(client, context.primaryId, { after: new Date(startedAt.getTime() - LOSS_LOOKBACK_MS), before: startedAt }, true),
    routeSwitchedAt ? reportAsPrimary(client, context.targetId, { after: fenceIssuedAt ?? startedAt, before: now }, false) : null,
  ]);
  return observedRto({ runStartedAt: startedAt, fenceIssuedAt, oldPrimaryLastReportAt, routeSwitchedAt, newPrimaryFirstReportAt });
}
