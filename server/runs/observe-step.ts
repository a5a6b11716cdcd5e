import "server-only";
import type { RunContext as ConditionContext } from "@/core/runbooks/conditions";
import type { RunContext } from "@/core/runbooks/run-context";
import type { StepObservation } from "@/core/runbooks/step-machine";
import type { AgentCommandKind } from "@/contracts/agent-commands";
import type { RunbookStep } from "@/contracts/runbooks";
import { db } from "../db/client";
import type { Run, StepRun } from "../db/generated/client";
import { serviceSnapshot } from "../runbooks/service-snapshot";
import { oldPrimaryLease, stillHeld } from "./old-primary-lease";
import { promotionEvidence } from "./promotion-evidence";

export type OldPrimaryLease = Awaited<ReturnType<typeof oldPrimaryLease>>;

/** An agent command's idempotency key: one per step, replica and attempt, so a retry acts again and a repeated move does not. */
export const commandKey = (stepRun: StepRun, replicaId: string) => `${stepRun.idempotencyKey}:${replicaId}:${stepRun.attempts}`;

/**
 * What a command needs beyond the definition's args: `repoint` follows the
 * run's target; `rewind` follows whichever replica the write route points at
 * when it is issued (the target after the route step, the primary in a
 * reinstate run), and never the replica it rewinds.
 */
async function commandArgs(run: Run, context: RunContext, stepRun: StepRun, command: AgentCommandKind, args: Record<string, unknown>) {
  if (command === "repoint") {
    const target = context.targetId ? await db().replica.findUnique({ where: { id: context.targetId } }) : null;
    if (!target) return { problem: "repoint needs the run's target replica" };
    return { args: { host: target.host, port: target.port, slotName: null, ...args } };
  }
  if (command === "rewind") {
    const service = await db().service.findUniqueOrThrow({ where: { id: run.serviceId }, include: { writeReplica: true } });
    const primary = service.writeReplica;
    if (!primary) return { problem: `${service.id} has no write route, so there is no primary to follow` };
    if (stepRun.targets.includes(primary.id)) return { problem: `the write route points at ${primary.name}, the replica this step would rewind` };
    return { args: { host: primary.host, port: primary.port, slotName: null, ...args } };
  }
  if (command === "sync-standbys") {
    // The topology says which replicas are meant to be synchronous; the primary itself never is its own standby.
    const replicas = await db().replica.findMany({
      where: { serviceId: run.serviceId, replication: "sync", retiredAt: null, id: { notIn: stepRun.targets } },
      orderBy: [{ promotionPriority: "desc" }, { name: "asc" }],
      select: { name: true },
    });
    return { args: { names: replicas.map((replica) => replica.name), ...args } };
  }
  return { args };
}

async function conditionContext(run: Run, context: RunContext, now: Date): Promise<ConditionContext> {
  const snapshot = await serviceSnapshot(run.serviceId, now);
  const find = (id: string | null) => snapshot.replicas.find((replica) => replica.id === id) ?? null;
  return {
    snapshot,
    primary: find(context.primaryId),
    target: find(context.targetId),
    others: context.otherIds.flatMap((id) => find(id) ?? []),
    fencedLsn: context.fencedLsn === null ? null : BigInt(context.fencedLsn),
  };
}

/**
 * Everything the step's current attempt decides on, read before deciding:
 * the snapshot for conditions and residency, the attempt's commands, and for
 * a promotion not issued yet the old primary's lease and the evidence the
 * cross-checks read. Unless this run fenced the old primary itself, nothing
 * is promoted before its self-fencing lease has lapsed (design rule "one-writable-primary").
 */
export async function observeStep(run: Run, context: RunContext, stepRun: StepRun, step: RunbookStep, now: Date, webhookFailure: string | null) {
  const observed: StepObservation = { conditions: null, agent: null, promotion: null, webhook: null };
  let oldLease: OldPrimaryLease | null = null;
  const needsSnapshot = step.kind === "check" || step.kind === "wait" || step.kind === "route" || (step.kind === "approval" && step.unless !== undefined);
  if (needsSnapshot) observed.conditions = await conditionContext(run, context, now);
  if (step.kind === "notify") observed.webhook = { configured: Boolean(process.env.SWITCHYARD_NOTIFY_URL), failure: webhookFailure };
  if (step.kind === "agent" && stepRun.targets.length > 0) {
    const targetOf = new Map(stepRun.targets.map((replicaId) => [commandKey(stepRun, replicaId), replicaId]));
    const [commands, args] = await Promise.all([
      db().agentCommand.findMany({
        where: { idempotencyKey: { in: [...targetOf.keys()] } },
        include: { agent: { include: { replica: { select: { name: true } } } } },
      }),
      commandArgs(run, context, stepRun, step.command, step.args),
    ]);
    observed.agent = {
      commands: commands.map((command) => ({
        replicaId: targetOf.get(command.idempotencyKey)!,
        replica: command.agent.replica.name,
        status: command.status,
        error: command.error,
        output: command.output,
      })),
      args,
    };
    const unissued = commands.length < stepRun.targets.length;
    if (step.command === "promote" && unissued && !("problem" in args)) {
      const primaryId = context.primaryId;
      const [conditions, lease, evidence] = await Promise.all([
        conditionContext(run, context, now),
        context.fencedLsn === null && primaryId ? oldPrimaryLease(run.serviceId, primaryId, now) : null,
        promotionEvidence(run, context),
      ]);
      oldLease = lease;
      observed.conditions = conditions;
      observed.promotion = { leaseHeld: lease ? stillHeld(lease.lapse, now) : null, leaseSentence: lease?.lapse.sentence ?? null, evidence };
    }
  }
  return { observed, oldLease };
}
