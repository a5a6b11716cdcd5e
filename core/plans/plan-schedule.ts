import type { MaintenanceWindow } from "@/contracts/policy";
import { windowInForce } from "../policy/maintenance-windows";

export interface ScheduleProblem {
  field: "scheduledAt" | "inMaintenanceWindow";
  message: string;
}

/**
 * What is wrong with a plan's schedule, if anything: a time already past
 * (beyond a grace for the request's own travel), a window required without
 * a time, or a time outside a maintenance window of some service in scope
 * when the plan requires one.
 */
export function planScheduleProblem(
  schedule: { scheduledAt: Date | null; inMaintenanceWindow: boolean },
  windowsOf: ReadonlyMap<string, readonly MaintenanceWindow[]>,
  now: Date,
  graceMs = 5_000,
): ScheduleProblem | null {
  const { scheduledAt, inMaintenanceWindow } = schedule;
  if (!scheduledAt) return inMaintenanceWindow ? { field: "inMaintenanceWindow", message: "needs scheduledAt: only a scheduled plan waits for a window" } : null;
  if (scheduledAt.getTime() < now.getTime() - graceMs) return { field: "scheduledAt", message: `${scheduledAt.toISOString()} is in the past (now ${now.toISOString()})` };
  if (!inMaintenanceWindow) return null;
  const outside = [...windowsOf].filter(([, windows]) => !windowInForce(windows, scheduledAt)).map(([serviceId]) => serviceId);
  return outside.length ? { field: "scheduledAt", message: `${scheduledAt.toISOString()} is outside every maintenance window of ${outside.join(", ")}` } : null;
}

/** At a scheduled plan's time: why it may not start because of its window (null: it may). */
export function windowRefusal(windowsOf: ReadonlyMap<string, readonly MaintenanceWindow[]>, now: Date): string | null {
  const outside = [...windowsOf].filter(([, windows]) => !windowInForce(windows, now)).map(([serviceId]) => serviceId);
  return outside.length ? `no maintenance window of ${outside.join(", ")} is in force at ${now.toISOString()}` : null;
}
