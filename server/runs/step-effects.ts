import "server-only";
import { promotionOf } from "@/core/automation/promotion";
import type { ResidencyRefusal, StepEffect } from "@/core/runbooks/step-machine";
import { appendAuditEvent } from "../audit/append-audit-event";
import { issueCommandIn } from "../commands/issue-command";
import type { commandSigningKey } from "../command-keys/signing-key";
import type { Run, StepRun } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { recordLeaseLapse } from "../primary-lease/record-lease-lapse";
import { stillHeld } from "./old-primary-lease";
import { commandKey, type OldPrimaryLease } from "./observe-step";
import { ENGINE, MovedMeanwhile } from "./run-writes";

/** What a step's move carries out, inside the move's transaction unless said otherwise. */

type EffectTarget = { run: Run; stepRun: StepRun };
type SigningKey = Awaited<ReturnType<typeof commandSigningKey>>;

export async function issueIn(tx: Tx, { run, stepRun }: EffectTarget, effect: Extract<StepEffect, { kind: "issue-command" }>, signingKey: SigningKey) {
  await issueCommandIn(tx, signingKey, {
    replicaId: effect.replicaId,
    kind: effect.command,
    args: effect.args,
    idempotencyKey: commandKey(stepRun, effect.replicaId),
    actor: ENGINE,
    runId: run.id,
    stepRunId: stepRun.id,
  });
}

/** The audit of a refusal to move the write role to a region a dataset's residency excludes (the refusal itself fails the step). */
export async function refuseResidencyIn(tx: Tx, { run, stepRun }: EffectTarget, { target, action, sentence }: ResidencyRefusal, policy: { version: number; versionId: string } | undefined) {
  await appendAuditEvent(tx, {
    actor: ENGINE,
    action: "residency.refuse",
    outcome: "failure",
    target: { type: "replica", id: target.id },
    serviceId: run.serviceId,
    runId: run.id,
    stepRunId: stepRun.id,
    reason: sentence,
    details: { refused: action, replica: target.name, regionId: target.regionId, jurisdiction: target.jurisdiction, policyVersion: policy?.version ?? null },
    policyVersionId: policy?.versionId ?? null,
  });
}

/** Moves the write role: the promote command under a new epoch, its proof audited, with the old primary's lease read again first. */
export async function promoteIn(tx: Tx, on: EffectTarget, effect: Extract<StepEffect, { kind: "promote" }>, signingKey: SigningKey, oldLease: OldPrimaryLease | null, now: Date) {
  const { run, stepRun } = on;
  const service = await tx.service.update({ where: { id: run.serviceId }, data: { epoch: { increment: 1 } } });
  // A promotion decided on a waiting step leaves it waiting, so the step's compare-and-set cannot tell that another executor issued it meanwhile: the command can (the update above waited for that executor's commit).
  if (await tx.agentCommand.findUnique({ where: { idempotencyKey: commandKey(stepRun, effect.replicaId) }, select: { id: true } })) {
    throw new MovedMeanwhile(`the promote command of step ${stepRun.stepId} was issued meanwhile`);
  }
  // A renewal writes its grant under a FOR SHARE lock of the service row, only at the epoch it read: from this update on, none can be granted unseen (renew-primary-lease.ts).
  const renewedSince = oldLease ? stillHeld(await oldLease.recheck(tx), now) : null;
  if (renewedSince) throw new MovedMeanwhile(renewedSince);
  if (oldLease?.toRecord) await recordLeaseLapse(tx, run.serviceId, oldLease.toRecord, ENGINE, run.id);
  await issueCommandIn(tx, signingKey, {
    replicaId: effect.replicaId,
    kind: "promote",
    args: effect.args,
    idempotencyKey: commandKey(stepRun, effect.replicaId),
    actor: ENGINE,
    epoch: service.epoch,
    runId: run.id,
    stepRunId: stepRun.id,
  });
  await appendAuditEvent(tx, {
    actor: ENGINE,
    action: "service.epoch",
    target: { type: "service", id: run.serviceId },
    serviceId: run.serviceId,
    runId: run.id,
    stepRunId: stepRun.id,
    reason: "promotion: agents refuse commands from older epochs from now on",
    before: { epoch: service.epoch - 1 },
    after: { epoch: service.epoch },
    // Whether the runbook planned it: the cooldown after a promotion reads it (promotionOf).
    details: { promotion: promotionOf(run.definition), proof: effect.proof },
  });
}

/** Points the write route at the target; returns the step's output. */
export async function routeIn(tx: Tx, { run, stepRun }: EffectTarget, targetId: string) {
  const before = await tx.service.findUniqueOrThrow({ where: { id: run.serviceId }, include: { writeReplica: { select: { name: true } } } });
  const target = await tx.replica.update({ where: { id: targetId }, data: { role: "primary" } });
  if (before.writeReplicaId && before.writeReplicaId !== targetId) await tx.replica.update({ where: { id: before.writeReplicaId }, data: { role: "standby" } });
  await tx.service.update({ where: { id: run.serviceId }, data: { writeReplicaId: targetId } });
  await appendAuditEvent(tx, {
    actor: ENGINE,
    action: "service.route",
    target: { type: "service", id: run.serviceId },
    serviceId: run.serviceId,
    runId: run.id,
    stepRunId: stepRun.id,
    before: { writeReplica: before.writeReplica?.name ?? null },
    after: { writeReplica: target.name },
  });
  return { from: before.writeReplica?.name ?? null, to: target.name };
}

/** Posts a notify step's message; done before the move's transaction, so its failure can be decided on. */
export async function postWebhook({ run, stepRun }: EffectTarget, message: string): Promise<{ status: number } | { failure: string }> {
  const response = await fetch(process.env.SWITCHYARD_NOTIFY_URL!, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: `[${run.serviceId}] ${message}`, run: run.id, step: stepRun.stepId }),
    signal: AbortSignal.timeout(5_000),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error) return { failure: response.message };
  return response.ok ? { status: response.status } : { failure: `answered ${response.status}` };
}
