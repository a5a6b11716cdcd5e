import "server-only";
import type { RunContext as ConditionContext } from "@/core/runbooks/conditions";
import type { RunContext } from "@/core/runbooks/run-context";
import type { StepObservation } from "@/core/runbooks/step-machine";
import type { AgentCommandKind, ErrantTransactions } from "@/contracts/agent-commands";
import type { ScriptArg } from "@/contracts/hooks";
import type { RunbookStep } from "@/contracts/runbooks";
import { scriptArgv, type EndpointAnswer } from "@/core/hooks/runbook-hooks";
import { db } from "../db/client";
import type { Run, StepRun } from "../db/generated/client";
import { endpointSecret, hooksConfig } from "../hooks/hooks-config";
import { runReplicas } from "../hooks/run-replicas";
import { effectivePolicies } from "../policy/effective-policy";
import { serviceSnapshot } from "../runbooks/service-snapshot";
import { oldPrimaryLease, stillHeld } from "./old-primary-lease";
import { promotionEvidence } from "./promotion-evidence";
import { runParamsOf } from "./stored-run";

export type OldPrimaryLease = Awaited<ReturnType<typeof oldPrimaryLease>>;

/** An agent command's idempotency key: one per step, replica and attempt, so a retry acts again and a repeated move does not. */
export const commandKey = (stepRun: StepRun, replicaId: string) => `${stepRun.idempotencyKey}:${replicaId}:${stepRun.attempts}`;

/**
 * What the service's policy in force says of a replica holding transactions
 * the primary lacks, as `repoint` and `rewind` carry it: governance decides
 * it, and it comes after the definition's args so nothing else can (a store
 * with no policy refuses, as the policy's default does).
 */
async function errantTransactions(serviceId: string): Promise<ErrantTransactions> {
  return (await effectivePolicies([serviceId])).get(serviceId)?.document.failover.errantTransactions ?? "refuse";
}

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
    return { args: { host: target.host, port: target.port, slotName: null, ...args, errantTransactions: await errantTransactions(run.serviceId) } };
  }
  if (command === "rewind") {
    const service = await db().service.findUniqueOrThrow({ where: { id: run.serviceId }, include: { writeReplica: true } });
    const primary = service.writeReplica;
    if (!primary) return { problem: `${service.id} has no write route, so there is no primary to follow` };
    if (stepRun.targets.includes(primary.id)) return { problem: `the write route points at ${primary.name}, the replica this step would rewind` };
    return { args: { host: primary.host, port: primary.port, slotName: null, ...args, errantTransactions: await errantTransactions(run.serviceId) } };
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

/** A script's argv from the run's parameters and, as the topology has them now, the run's replicas and the service's epoch. */
async function scriptArgs(run: Run, context: RunContext, script: { name: string; args: Record<string, ScriptArg> }, timeoutSeconds: number) {
  const { epoch, primary, target } = await runReplicas(run.serviceId, context);
  const facts: Record<string, string | null> = { service: run.serviceId, epoch: String(epoch) };
  for (const [role, replica] of [["primary", primary], ["target", target]] as const) {
    facts[`${role}.name`] = replica?.name ?? null;
    facts[`${role}.host`] = replica?.host ?? null;
    facts[`${role}.port`] = replica ? String(replica.port) : null;
    facts[`${role}.region`] = replica?.region ?? null;
  }
  const built = scriptArgv(script.args, runParamsOf(run.params), facts);
  // The agent kills the script a little before the step's deadline, so its answer still arrives in time.
  return "problem" in built ? built : { args: { name: script.name, argv: built.argv, timeoutSeconds: Math.max(1, timeoutSeconds - 5) } };
}

/** The script a script step or a script gate runs, or null for any other step. */
function scriptOf(step: RunbookStep, context: RunContext): { name: string; args: Record<string, ScriptArg> } | null {
  if (step.kind === "script") return { name: step.script, args: step.args };
  const hook = step.kind === "gate" ? context.gates[step.point] : null;
  return hook && "script" in hook ? { name: hook.script, args: hook.args } : null;
}

/** The endpoint an http step or an http gate calls, or null for any other step. */
export function endpointOf(step: RunbookStep, context: RunContext): string | null {
  if (step.kind === "http") return step.endpoint;
  const hook = step.kind === "gate" ? context.gates[step.point] : null;
  return hook && "endpoint" in hook ? hook.endpoint : null;
}

/** A hooks configuration broken since the runbook loaded reads as one without the endpoint: the step fails saying so. */
function endpointConfigured(name: string): boolean {
  try {
    const endpoint = hooksConfig().endpoints[name];
    return Boolean(endpoint && endpointSecret(endpoint));
  } catch {
    return false;
  }
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
export async function observeStep(run: Run, context: RunContext, stepRun: StepRun, step: RunbookStep, now: Date, webhookFailure: string | null, endpointAnswer: EndpointAnswer | null) {
  const observed: StepObservation = { conditions: null, agent: null, promotion: null, webhook: null, http: null };
  let oldLease: OldPrimaryLease | null = null;
  const needsSnapshot = step.kind === "check" || step.kind === "wait" || step.kind === "route" || (step.kind === "approval" && step.unless !== undefined);
  if (needsSnapshot) observed.conditions = await conditionContext(run, context, now);
  if (step.kind === "notify") observed.webhook = { configured: Boolean(process.env.SWITCHYARD_NOTIFY_URL), failure: webhookFailure };
  const endpoint = endpointOf(step, context);
  if (endpoint) {
    observed.http = { configured: endpointConfigured(endpoint), answer: endpointAnswer };
  }
  const script = scriptOf(step, context);
  if ((step.kind === "agent" || script) && stepRun.targets.length > 0) {
    const targetOf = new Map(stepRun.targets.map((replicaId) => [commandKey(stepRun, replicaId), replicaId]));
    const [commands, args] = await Promise.all([
      db().agentCommand.findMany({
        where: { idempotencyKey: { in: [...targetOf.keys()] } },
        include: { agent: { include: { replica: { select: { name: true } } } } },
      }),
      script ? scriptArgs(run, context, script, step.timeoutSeconds) : step.kind === "agent" ? commandArgs(run, context, stepRun, step.command, step.args) : { args: {} },
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
    if (step.kind === "agent" && step.command === "promote" && unissued && !("problem" in args)) {
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
