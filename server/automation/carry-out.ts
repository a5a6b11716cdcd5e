import "server-only";
import type { Decision } from "@/core/automation/decide";
import { UNPLANNED_FAILOVER_RUNBOOK } from "@/core/automation/rules";
import type { AutomationSnapshot } from "@/core/automation/snapshot";
import { appendAuditEvent } from "../audit/append-audit-event";
import { issueCommandIn } from "../commands/issue-command";
import { commandSigningKey } from "../command-keys/signing-key";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { openIncidentForFailover } from "../incidents/incident-signs";
import { ConflictError } from "../errors";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { createRun } from "../runs/start-run";
import { AUTOMATION_ACTOR } from "./record-decisions";

const nameOf = (snapshot: AutomationSnapshot, id: string | null) => snapshot.replicas.find((replica) => replica.id === id);

/**
 * Starts the unplanned failover the decision asks for: automatic (its manual
 * steps answered by policy) towards the chosen candidate, or guided when no
 * standby may be promoted without a person. Returns the run's id, or null
 * when the service already has an active run (the unique index decides).
 */
async function startFailover(snapshot: AutomationSnapshot, decision: Decision, mode: "automatic" | "guided", lease: HeldLease): Promise<string | null> {
  const primary = nameOf(snapshot, snapshot.writeReplicaId);
  if (!primary) return null;
  const target = decision.action.kind === "fail-over" ? nameOf(snapshot, decision.action.candidateId) : undefined;
  const params: Record<string, string> = {
    service: snapshot.serviceId,
    from_region: primary.regionId,
    ...(target ? { to_region: target.regionId } : {}),
    reason: `automation ${decision.ruleId}: ${decision.sentence}`,
  };
  try {
    const incident = (tx: Tx, runId: string) => openIncidentForFailover(tx, { runId, serviceId: snapshot.serviceId, ruleId: decision.ruleId, sentence: decision.sentence });
    return await createRun(UNPLANNED_FAILOVER_RUNBOOK, params, { type: "automation", mode, lease, ruleId: decision.ruleId, sentence: decision.sentence }, { alongside: incident });
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

/** Fences a former primary at the current epoch: from then on its agent refuses commands from older epochs. */
async function fenceFormerPrimary(snapshot: AutomationSnapshot, decision: Decision, lease: HeldLease): Promise<void> {
  const replica = nameOf(snapshot, decision.subject);
  if (!replica) return;
  const key = await commandSigningKey();
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    await issueCommandIn(tx, key, {
      replicaId: replica.id,
      kind: "fence",
      args: { terminateSessions: true },
      idempotencyKey: `automation:fence:${replica.id}:epoch-${snapshot.epoch}`,
      actor: AUTOMATION_ACTOR,
      epoch: snapshot.epoch,
    });
    await appendAuditEvent(tx, {
      actor: AUTOMATION_ACTOR,
      action: "automation.fence",
      target: { type: "replica", id: replica.id },
      serviceId: snapshot.serviceId,
      reason: decision.sentence,
      details: { rule: decision.ruleId, replica: replica.name, epoch: snapshot.epoch },
    });
  });
}

/** Carries out one decision that acts; returns the run it started, if any. */
export async function carryOut(snapshot: AutomationSnapshot, decision: Decision, lease: HeldLease): Promise<{ runId: string | null }> {
  switch (decision.action.kind) {
    case "fail-over":
      return { runId: await startFailover(snapshot, decision, "automatic", lease) };
    case "open-guided-runbook":
      return { runId: await startFailover(snapshot, decision, "guided", lease) };
    case "fence":
      await fenceFormerPrimary(snapshot, decision, lease);
      return { runId: null };
    default:
      return { runId: null };
  }
}

export const ACTING_KINDS = new Set<Decision["action"]["kind"]>(["fail-over", "open-guided-runbook", "fence"]);
