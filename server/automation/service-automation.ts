import "server-only";
import type { ServiceAutomation } from "@/contracts/automation";
import { decide } from "@/core/automation/decide";
import { maintenanceHoldSentence, pauseSentence } from "@/core/automation/controls";
import { automationState } from "@/core/fleet/automation-state";
import { notDecidedSentence } from "@/core/loops/loop-stall";
import { db } from "../db/client";
import { automationSnapshot } from "../automation-snapshot/automation-snapshots";
import { liveServiceOrThrow } from "../retired-guards";
import { DECIDER_LEASE } from "./automation-loop";
import { loopProgress } from "../loops/loop-progress";

/** Why the decider does or does not carry failovers out for this service now. */
function acting(decider: { holder: string } | null, notDeciding: string | null, automatic: boolean, paused: string | null, maintenance: string | null): { acting: boolean; sentence: string } {
  if (!decider) return { acting: false, sentence: "No control-plane copy holds the decider lease: nothing is carried out (SWITCHYARD_JOBS=off everywhere, or the copies cannot reach the store)." };
  if (notDeciding) return { acting: false, sentence: notDeciding };
  if (!automatic) return { acting: false, sentence: "Automatic failover is off in the policy: the decider records its decisions and alerts, and a person runs failovers." };
  if (paused) return { acting: false, sentence: `Paused: ${paused}.` };
  if (maintenance) return { acting: false, sentence: `In maintenance: ${maintenance}; the decider records its decisions and alerts.` };
  return { acting: true, sentence: `The decider (${decider.holder}) carries out these decisions as they are taken.` };
}

/** What the rules decide for a service now, what the decider last recorded, and whether it acts. */
export async function serviceAutomation(serviceId: string, now = new Date()): Promise<ServiceAutomation> {
  await liveServiceOrThrow(db(), serviceId, "nothing is decided for it any more (its history is in the audit trail)");
  const [snapshot, lease, progress, recorded] = await Promise.all([
    automationSnapshot(serviceId, now),
    db().lease.findUnique({ where: { name: DECIDER_LEASE } }),
    loopProgress().then((loops) => loops.get("decider") ?? null),
    db().automationDecision.findMany({ where: { serviceId }, orderBy: [{ since: "desc" }, { ruleId: "asc" }] }),
  ]);
  const decider =
    lease && lease.expiresAt > now
      ? { holder: lease.holder, expiresAt: lease.expiresAt.toISOString(), lastPassAt: progress?.lastPassAt?.toISOString() ?? null, lastPassMs: progress?.lastPassMs ?? null }
      : null;
  const notDeciding = notDecidedSentence(progress, serviceId, now);
  return {
    serviceId,
    ...acting(decider, notDeciding, snapshot.policy.automatic, pauseSentence(snapshot, now), maintenanceHoldSentence(snapshot, now)),
    policyVersion: snapshot.policy.version,
    state: automationState(snapshot.policy.version === null ? undefined : snapshot.policy, snapshot.controls, now, notDeciding),
    decider,
    decisions: decide(snapshot, now),
    recorded: recorded.map((row) => ({
      ruleId: row.ruleId,
      diagnosis: row.diagnosis as ServiceAutomation["decisions"][number]["diagnosis"],
      subject: row.subject === "" ? null : row.subject,
      action: row.action as ServiceAutomation["decisions"][number]["action"],
      sentence: row.sentence,
      since: row.since.toISOString(),
      actedAt: row.actedAt?.toISOString() ?? null,
      runId: row.runId,
    })),
    generatedAt: now.toISOString(),
  };
}
