import type { PolicyDocument } from "@/contracts/policy";
import type { PolicyChange } from "./diff-policy";

/**
 * Fields whose change can lose data or cause (or prevent) a failover:
 * everything under failover, the witness quorum, heartbeats, each dataset's
 * replication mode and residency, and maintenance windows (one holds
 * automatic failover and keeps alerts from webhooks while in force), the
 * drills rule (lifting the approval lets a drill move production alone). The
 * approval counts themselves count too, or one approval could lower the bar
 * for the next change.
 */
const SAFETY_RELEVANT = [/^failover\./, /^witness\.quorum$/, /^heartbeat\./, /^datasets\.[^.]+\.(replication|residency)(\.|$)/, /^maintenanceWindows$/, /^approvals\./, /^drills\./];

export function isSafetyRelevant(field: string): boolean {
  return SAFETY_RELEVANT.some((pattern) => pattern.test(field));
}

export interface ApprovalRequirement {
  /** M: approvals the change needs, from the policy in force. */
  required: number;
  /** The safety-relevant fields that raised it to `approvals.safetyRelevant` (none: `approvals.other`). */
  safetyRelevantFields: string[];
  sentence: string;
}

export function requiredApprovals(diff: readonly PolicyChange[], currentPolicy: PolicyDocument): ApprovalRequirement {
  const safetyRelevantFields = [...new Set(diff.map((change) => change.field).filter(isSafetyRelevant))];
  const required = safetyRelevantFields.length ? currentPolicy.approvals.safetyRelevant : currentPolicy.approvals.other;
  const approvals = `${required} approval${required === 1 ? "" : "s"}`;
  const sentence = safetyRelevantFields.length
    ? `needs ${approvals}: it changes safety-relevant ${safetyRelevantFields.join(", ")}`
    : `needs ${approvals}: no safety-relevant field changes`;
  return { required, safetyRelevantFields, sentence };
}
