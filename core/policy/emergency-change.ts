import type { PolicyChange } from "./diff-policy";

/**
 * What an operator may change without approval, because it only makes the
 * system more careful: turning automatic failover off, or adding a
 * maintenance window. Anything else waits for review.
 */
export function emergencyViolations(diff: readonly PolicyChange[]): string[] {
  if (diff.length === 0) return ["document: the emergency change changes nothing"];
  return diff
    .filter((change) => {
      if (change.field === "failover.automatic") return !(change.before === true && change.after === false);
      if (change.field === "maintenanceWindows") return change.kind !== "added";
      return true;
    })
    .map(
      (change) =>
        `${change.field}: not an emergency change (${change.text}); without approval an operator may only turn failover.automatic off or add a maintenance window`,
    );
}
