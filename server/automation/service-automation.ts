import "server-only";
import type { ServiceAutomation } from "@/contracts/automation";
import { decide } from "@/core/automation/decide";
import { automationSnapshot } from "./automation-snapshot";

/** What the automation would decide for a service now; it detects only, so nothing here is carried out. */
export async function serviceAutomation(serviceId: string, now = new Date()): Promise<ServiceAutomation> {
  const snapshot = await automationSnapshot(serviceId, now);
  return {
    serviceId,
    acting: false,
    sentence: "The automation only detects for now: these are the decisions it would take, and it does not carry any of them out.",
    policyVersion: snapshot.policy.version,
    decisions: decide(snapshot, now),
    generatedAt: now.toISOString(),
  };
}
