import type { MaintenanceWindow } from "@/contracts/policy";
import { formatSeconds } from "../format";
import { maintenanceLabel, windowInForce } from "../policy/maintenance-windows";

/**
 * When a run (or anything else that starts later: a plan, a drill) may be
 * scheduled, and whether it starts when its time comes. Both are declared
 * tables, first refusing row wins; ids are stable (stored on audit events and
 * asserted in tests).
 */

/** A time a few seconds ago is "now": the clock of whoever sent the request is not ours. */
export const PAST_GRACE_MS = 60_000;
/** Further ahead than this, the topology and the policy it was checked against mean little. */
export const MAX_AHEAD_MS = 90 * 86_400_000;
/**
 * A scheduled run starts no later than this after its time: a control plane
 * that was down at 03:00 must not move a primary at 09:00, when people
 * rely on the service and nobody planned for it.
 */
export const MAX_LATE_START_MS = 15 * 60_000;

export interface ScheduleRequest {
  scheduledAt: Date;
  inMaintenanceWindow: boolean;
}

export interface ScheduleFacts {
  now: Date;
  /** The maintenance windows of the policy in force for the service. */
  windows: readonly MaintenanceWindow[];
}

/** The request field a refusal names (`inMaintenanceWindow` without a time is the contract's to refuse). */
export type ScheduleField = "scheduledAt";

export interface ScheduleRule {
  id: string;
  field: ScheduleField;
  sentence: string;
  /** Why the request is refused, in words naming the time; null when the row lets it through. */
  refuses(request: ScheduleRequest, facts: ScheduleFacts): string | null;
}

const iso = (date: Date) => date.toISOString();

const windowsList = (windows: readonly MaintenanceWindow[]) =>
  windows.length ? `its windows are ${windows.map((window) => `${window.startsAt} to ${window.endsAt} ("${window.reason}")`).join(", ")}` : "it has none";

export const SCHEDULE_RULES: readonly ScheduleRule[] = [
  {
    id: "schedule-in-the-past",
    field: "scheduledAt",
    sentence: "A time more than a minute in the past is refused: nobody can start anything then.",
    refuses: ({ scheduledAt }, { now }) =>
      scheduledAt.getTime() < now.getTime() - PAST_GRACE_MS ? `${iso(scheduledAt)} is in the past (it is ${iso(now)}); give a time ahead` : null,
  },
  {
    id: "schedule-too-far-ahead",
    field: "scheduledAt",
    sentence: "A time more than 90 days ahead is refused: the checks made now would say little about the service then.",
    refuses: ({ scheduledAt }, { now }) =>
      scheduledAt.getTime() > now.getTime() + MAX_AHEAD_MS ? `${iso(scheduledAt)} is more than ${MAX_AHEAD_MS / 86_400_000} days ahead` : null,
  },
  {
    id: "schedule-outside-window",
    field: "scheduledAt",
    sentence: "A run that must start inside a maintenance window is refused a time outside every window of the service's policy.",
    refuses: ({ scheduledAt, inMaintenanceWindow }, { windows }) =>
      inMaintenanceWindow && !windowInForce(windows, scheduledAt) ? `${iso(scheduledAt)} is outside every maintenance window of the service's policy (${windowsList(windows)})` : null,
  },
];

export type ScheduleVerdict = { ok: true } | { ok: false; rule: string; field: ScheduleField; message: string };

/** Whether a schedule may be written; the first refusing row says which field and why. */
export function validateSchedule(request: ScheduleRequest, facts: ScheduleFacts): ScheduleVerdict {
  for (const rule of SCHEDULE_RULES) {
    const message = rule.refuses(request, facts);
    if (message) return { ok: false, rule: rule.id, field: rule.field, message };
  }
  return { ok: true };
}

/** What the control plane finds when a scheduled thing's time comes. */
export interface DueFacts {
  now: Date;
  scheduledAt: Date;
  inMaintenanceWindow: boolean;
  windows: readonly MaintenanceWindow[];
  /** Why the person who scheduled it may not start it now (disabled, no longer an operator of the service); null when they may. */
  personRefused: string | null;
  /** The definition it would run now differs from the one scheduled (by content hash): null when the same. */
  definitionChanged: string | null;
  /** Another active run on the service, described; null when there is none. */
  activeRun: string | null;
  /** The dry run's blockers now: failing pre-checks and parameters the topology no longer accepts. */
  blockers: readonly string[];
}

export type DueAction = "wait" | "start" | "refuse";

export interface DueRule {
  id: string;
  action: DueAction;
  sentence: string;
  /** The reason in words when the row applies; null when it does not. */
  applies(facts: DueFacts): string | null;
}

/** The last row: applies always. */
const always = (reason: string) => () => reason;

export const DUE_RULES: readonly DueRule[] = [
  {
    id: "not-due-yet",
    action: "wait",
    sentence: "Before its time, a scheduled run waits.",
    applies: ({ now, scheduledAt }) => (now < scheduledAt ? `due at ${iso(scheduledAt)}` : null),
  },
  {
    id: "start-missed",
    action: "refuse",
    sentence: "A run the control plane reaches more than 15 minutes after its time is refused: it would move the service when nobody planned for it.",
    applies: ({ now, scheduledAt }) => {
      const lateMs = now.getTime() - scheduledAt.getTime();
      return lateMs > MAX_LATE_START_MS ? `it was due at ${iso(scheduledAt)} and is ${formatSeconds(lateMs / 1000)} late (at most ${MAX_LATE_START_MS / 60_000} min)` : null;
    },
  },
  {
    id: "person-no-longer-allowed",
    action: "refuse",
    sentence: "A run is refused when the person who scheduled it may no longer start it: it starts as them, with their rights as they are now.",
    applies: ({ personRefused }) => personRefused,
  },
  {
    id: "window-not-in-force",
    action: "refuse",
    sentence: "A run that must start inside a maintenance window is refused when none of the policy's windows is in force at its start.",
    applies: ({ now, inMaintenanceWindow, windows }) =>
      inMaintenanceWindow && !windowInForce(windows, now) ? `no maintenance window of the service's policy is in force at ${iso(now)} (${windowsList(windows)})` : null,
  },
  {
    id: "definition-changed",
    action: "refuse",
    sentence: "A run whose runbook changed since it was scheduled is refused: it would not do what the person who scheduled it read.",
    applies: ({ definitionChanged }) => definitionChanged,
  },
  {
    id: "another-run-active",
    action: "refuse",
    sentence: "A run is refused while another run is active on the service: one run at a time moves a service.",
    applies: ({ activeRun }) => (activeRun ? `another run is active on the service (${activeRun})` : null),
  },
  {
    id: "pre-checks-fail",
    action: "refuse",
    sentence: "A run is refused when its dry run finds blockers at its time: its pre-checks fail, or its parameters no longer fit the topology.",
    applies: ({ blockers }) => (blockers.length ? `its pre-checks fail now: ${blockers.join("; ")}` : null),
  },
  { id: "start-when-due", action: "start", sentence: "At its time, with its window in force if it needs one and its pre-checks passing, the run starts.", applies: always("due and every check passes") },
];

export interface DueDecision {
  rule: string;
  action: DueAction;
  /** The reason in words: for a refusal, what the run's error and the alert say. */
  reason: string;
}

/** What to do with a scheduled run now: the first row that applies. */
export function decideDue(facts: DueFacts): DueDecision {
  for (const rule of DUE_RULES) {
    const reason = rule.applies(facts);
    if (reason !== null) return { rule: rule.id, action: rule.action, reason };
  }
  throw new Error("the last due rule applies always");
}
