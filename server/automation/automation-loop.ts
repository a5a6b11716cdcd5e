import "server-only";
import { type Decision, decide } from "@/core/automation/decide";
import { changesAnything, decisionChanges, decisionKey } from "@/core/automation/decision-changes";
import { decisionDueAt } from "@/core/automation/decision-due";
import { lapseToRecord } from "@/core/automation/lease-lapse";
import type { AutomationSnapshot } from "@/core/automation/snapshot";
import { LOOPS } from "@/core/loops/loop-stall";
import { db } from "../db/client";
import { assertLeaseHeld, LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { type LeaseKeeper, leaseKeeper } from "../lease/lease-keeper";
import { startLeaseLoop } from "../loops/lease-loop";
import { recordLeaseLapse } from "../primary-lease/record-lease-lapse";
import { automationSnapshots } from "../automation-snapshot/automation-snapshots";
import { ACTING_KINDS, carryOut } from "./carry-out";
import { AUTOMATION_ACTOR, type ServiceDecisionChanges, storedDecisions, writeDecisionChanges } from "./record-decisions";

/** The lease whose holder is the one decider: of several control-plane copies on one store, only it acts. */
export const DECIDER_LEASE = "automation";
const LEASE_TTL_MS = 5_000;
/**
 * Services whose changes share one transaction: every service of a fleet
 * changes at once when a region is lost, and one transaction for all of them
 * would outgrow the store's transaction limit.
 */
const SERVICES_PER_TRANSACTION = 100;

export interface DeciderPass {
  services: number;
  /** The earliest moment a decision of some service changes by the clock alone (decisionDueAt). */
  dueAt: Date | null;
  /** Services this pass could not decide or carry out for, with why; the others were decided. */
  failures: Record<string, string>;
}

/**
 * Writes items a batch per transaction, renewing the lease between batches.
 * A batch that fails is tried again one item at a time, so one service's bad
 * write does not hold back the others of its batch; an item that still fails
 * is handed to `failed`. A lost lease stops everything.
 */
async function writeInBatches<T>(items: readonly T[], keeper: LeaseKeeper, write: (batch: readonly T[]) => Promise<void>, failed: (item: T, error: unknown) => void): Promise<void> {
  const attempt = async (batch: readonly T[]) => {
    await keeper.keep();
    await write(batch);
  };
  for (let i = 0; i < items.length; i += SERVICES_PER_TRANSACTION) {
    const batch = items.slice(i, i + SERVICES_PER_TRANSACTION);
    try {
      await attempt(batch);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      for (const item of batch) {
        try {
          await attempt([item]);
        } catch (alone) {
          if (alone instanceof LeaseLostError) throw alone;
          failed(item, alone);
        }
      }
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Writes down the primaries' lease lapses nobody has recorded, a batch of services per transaction. */
async function recordLapses(snapshots: readonly AutomationSnapshot[], keeper: LeaseKeeper, now: Date, failures: Record<string, string>): Promise<void> {
  const lapses = snapshots.flatMap((snapshot) => {
    const lapse = lapseToRecord(snapshot, now);
    return lapse ? [{ serviceId: snapshot.serviceId, lapse }] : [];
  });
  await writeInBatches(
    lapses,
    keeper,
    (batch) =>
      db().$transaction(async (tx) => {
        await assertLeaseHeld(tx, keeper.lease);
        for (const { serviceId, lapse } of batch) await recordLeaseLapse(tx, serviceId, lapse, AUTOMATION_ACTOR);
      }),
    ({ serviceId }, error) => (failures[serviceId] = `recording its primary's lease lapse failed: ${messageOf(error)}`),
  );
}

/**
 * One pass of the decider over every live service: read every snapshot in a
 * fixed number of statements, record the lapses of primaries' leases nobody
 * has recorded, decide, write only the decisions that started or ended, and
 * carry out the ones that act and have not been carried out yet. Every write
 * checks the lease's fencing token, so a copy that lost the lease (paused,
 * partitioned from the store) acts no more; a pass that outlasts the lease
 * renews it between pieces of work. One service's failure is reported for it
 * and does not stop the others from being decided.
 */
export async function decideOnce(lease: HeldLease, now = new Date(), keeper: LeaseKeeper = leaseKeeper(lease, LEASE_TTL_MS)): Promise<DeciderPass> {
  const [snapshots, stored] = await Promise.all([automationSnapshots(now), storedDecisions()]);
  const failures: Record<string, string> = {};
  await recordLapses(snapshots, keeper, now, failures);

  const passes: (ServiceDecisionChanges & { decisions: Decision[] })[] = [];
  for (const snapshot of snapshots) {
    if (failures[snapshot.serviceId]) continue;
    try {
      const decisions = decide(snapshot, now);
      passes.push({ snapshot, decisions, changes: decisionChanges(decisions, stored.get(snapshot.serviceId) ?? [], now) });
    } catch (error) {
      failures[snapshot.serviceId] = `deciding failed: ${messageOf(error)}`;
    }
  }

  const written = new Set<string>();
  await writeInBatches(
    passes.filter((pass) => changesAnything(pass.changes)),
    keeper,
    async (batch) => {
      await writeDecisionChanges(batch, keeper.lease, now);
      for (const pass of batch) written.add(pass.snapshot.serviceId);
    },
    (pass, error) => (failures[pass.snapshot.serviceId] = `recording its decisions failed: ${messageOf(error)}`),
  );

  for (const { snapshot, decisions, changes } of passes) {
    if (changesAnything(changes) && !written.has(snapshot.serviceId)) continue;
    for (const decision of decisions) {
      const held = changes.held.get(decisionKey(decision));
      if (!ACTING_KINDS.has(decision.action.kind) || !held || held.actedAt) continue;
      await keeper.keep();
      try {
        const { runId } = await carryOut(snapshot, decision, keeper.lease);
        await db().automationDecision.update({
          where: { serviceId_ruleId_subject: { serviceId: snapshot.serviceId, ruleId: decision.ruleId, subject: held.subject } },
          data: { actedAt: new Date(), runId },
        });
      } catch (error) {
        if (error instanceof LeaseLostError) throw error;
        failures[snapshot.serviceId] = `carrying out ${decision.ruleId} failed: ${messageOf(error)}`;
      }
    }
  }
  const due = snapshots.flatMap((snapshot) => decisionDueAt(snapshot, now) ?? []).map((moment) => moment.getTime());
  return { services: snapshots.length, failures, dueAt: due.length ? new Date(Math.min(...due)) : null };
}

/**
 * The decider: every half second, in the one control-plane copy holding the
 * decider lease. The lease outlives a tick several times over so a slow
 * store does not hand it around, and is short enough that a dead copy's
 * successor takes over well within a failover's time budget.
 */
export function startDecider(log: (line: string) => void = (line) => console.log(`[automation] ${line}`)): () => Promise<void> {
  return startLeaseLoop({
    loop: "decider",
    lease: DECIDER_LEASE,
    ttlMs: LEASE_TTL_MS,
    tickMs: LOOPS.decider.tickMs,
    log,
    pass: async (keeper) => {
      const pass = await decideOnce(keeper.lease, new Date(), keeper);
      return { subjects: pass.services, failures: pass.failures, dueAt: pass.dueAt };
    },
  });
}
