import type { MaintenanceWindow } from "@/contracts/policy";

/**
 * The window in force at `now`, from its start up to (not including) its end.
 * Windows of one policy never overlap (validatePolicy refuses it), so at most
 * one is.
 */
export function windowInForce(windows: readonly MaintenanceWindow[], now: Date): MaintenanceWindow | null {
  const at = now.getTime();
  return windows.find((window) => Date.parse(window.startsAt) <= at && at < Date.parse(window.endsAt)) ?? null;
}

/** `maintenance window "kernel patching" until 2026-11-26T12:00:00.000Z`: how alerts and the automation name it. */
export function maintenanceLabel(window: MaintenanceWindow): string {
  return `maintenance window "${window.reason}" until ${new Date(window.endsAt).toISOString()}`;
}

/** What a window in force does, for the service's automation state: the reason a page is quiet and failover waits. */
export function maintenanceSentence(window: MaintenanceWindow): string {
  const failover = window.automaticFailover === "held" ? "automatic failover is held (rule failover-maintenance-window)" : "automatic failover stays armed, as the window says";
  return `${maintenanceLabel(window)}: ${failover}; alerts for the service are marked in maintenance and not sent to webhooks`;
}
