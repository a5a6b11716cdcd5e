import "server-only";
import { hostname } from "node:os";
import { decide } from "@/core/automation/decide";
import { lapseToRecord } from "@/core/automation/lease-lapse";
import { db } from "../db/client";
import { acquireLease } from "../lease/lease";
import { assertLeaseHeld, LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { recordLeaseLapse } from "../primary-lease/record-lease-lapse";
import { automationSnapshot } from "./automation-snapshot";
import { ACTING_KINDS, carryOut } from "./carry-out";
import { AUTOMATION_ACTOR, decisionKey, recordDecisions } from "./record-decisions";

/** The lease whose holder is the one decider: of several control-plane copies on one store, only it acts. */
export const DECIDER_LEASE = "automation";
const LEASE_TTL_MS = 5_000;
const TICK_MS = 500;

/**
 * One pass of the decider over every live service: read its snapshot, record a
 * lapse of the primary's lease nobody has recorded, decide, record the
 * decisions and carry out the ones that act and have not been carried out
 * yet. Every write checks the lease's fencing token, so a copy that lost the
 * lease (paused, partitioned from the store) acts no more.
 */
export async function decideOnce(lease: HeldLease, now = new Date()): Promise<void> {
  // A retired service is left alone: nothing fails it over, and no lapse of its primary's lease is recorded.
  const services = await db().service.findMany({ where: { retiredAt: null }, select: { id: true }, orderBy: { id: "asc" } });
  for (const { id } of services) {
    const snapshot = await automationSnapshot(id, now);
    const lapse = lapseToRecord(snapshot, now);
    if (lapse) {
      await db().$transaction(async (tx) => {
        await assertLeaseHeld(tx, lease);
        await recordLeaseLapse(tx, id, lapse, AUTOMATION_ACTOR);
      });
    }
    const decisions = decide(snapshot, now);
    const held = await recordDecisions(id, decisions, snapshot.policy.versionId, lease, now);
    for (const decision of decisions) {
      const stored = held.get(decisionKey(decision));
      if (!ACTING_KINDS.has(decision.action.kind) || !stored || stored.actedAt) continue;
      const { runId } = await carryOut(snapshot, decision, lease);
      await db().automationDecision.update({
        where: { serviceId_ruleId_subject: { serviceId: id, ruleId: decision.ruleId, subject: decision.subject ?? "" } },
        data: { actedAt: new Date(), runId },
      });
    }
  }
}

/**
 * The decider: every TICK_MS, in the one control-plane copy holding the
 * decider lease. The lease outlives a tick several times over so a slow
 * store does not hand it around, and is short enough that a dead copy's
 * successor takes over well within a failover's time budget.
 */
export function startDecider(log: (line: string) => void = (line) => console.log(`[automation] ${line}`)): () => void {
  const holder = `${hostname()}:${process.pid}:automation`;
  let stopped = false;
  let holding = false;
  void (async () => {
    while (!stopped) {
      try {
        const grant = await acquireLease(DECIDER_LEASE, holder, LEASE_TTL_MS);
        if (grant.held !== holding) log(grant.held ? `deciding (lease token ${grant.token})` : "another copy decides");
        holding = grant.held;
        if (grant.held) await decideOnce({ name: DECIDER_LEASE, holder, token: grant.token });
      } catch (error) {
        if (!(error instanceof LeaseLostError)) log(`decider: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  })();
  return () => {
    stopped = true;
  };
}
