/** Whether a repeating drill starts now, and when it is overdue: pure decisions over one schedule. */

export interface ScheduleFacts {
  disabled: boolean;
  nextDueAt: Date;
  everyDays: number;
  inMaintenanceWindow: boolean;
  /** A maintenance window of the service is in force now. */
  windowOpen: boolean;
  /** The service has a drill or a run under way. */
  busy: boolean;
}

export const SCHEDULE_RULE_IDS = ["schedule-disabled", "not-due", "service-busy", "outside-maintenance-window", "start-drill"] as const;
export type ScheduleRuleId = (typeof SCHEDULE_RULE_IDS)[number];

export interface ScheduleRule {
  id: ScheduleRuleId;
  start: boolean;
  when(facts: ScheduleFacts, now: Date): boolean;
  sentence: string;
}

/** The first row that matches decides. */
export const SCHEDULE_RULES: readonly ScheduleRule[] = [
  { id: "schedule-disabled", start: false, when: (facts) => facts.disabled, sentence: "The schedule is disabled: no drill starts." },
  { id: "not-due", start: false, when: (facts, now) => now < facts.nextDueAt, sentence: "The next drill is not due yet." },
  { id: "service-busy", start: false, when: (facts) => facts.busy, sentence: "The service has a run or a drill under way: the due drill waits for it." },
  {
    id: "outside-maintenance-window",
    start: false,
    when: (facts) => facts.inMaintenanceWindow && !facts.windowOpen,
    sentence: "The drill is due but runs only inside a maintenance window, and none is in force.",
  },
  { id: "start-drill", start: true, when: () => true, sentence: "The drill is due: it starts now." },
];

export function scheduleDecision(facts: ScheduleFacts, now: Date): ScheduleRule {
  return SCHEDULE_RULES.find((rule) => rule.when(facts, now))!;
}

const DAY_MS = 86_400_000;

/** The due time after `dueAt`: a period on from the due time (so starting late does not drift the schedule), skipping periods already past. */
export function nextDueAfter(dueAt: Date, everyDays: number, now: Date): Date {
  let next = dueAt.getTime() + everyDays * DAY_MS;
  while (next <= now.getTime()) next += everyDays * DAY_MS;
  return new Date(next);
}

/** A due drill with no report this long after its due time is overdue (a window may open a little later than the due time). */
export const DRILL_OVERDUE_GRACE_MS = DAY_MS;

/** The sentence of an overdue schedule's alert, or null while it is not overdue. */
export function overdueSentence(schedule: { serviceId: string; runbookId: string; nextDueAt: Date; disabled: boolean }, now: Date): string | null {
  if (schedule.disabled) return null;
  const late = now.getTime() - schedule.nextDueAt.getTime();
  if (late <= DRILL_OVERDUE_GRACE_MS) return null;
  return `The ${schedule.runbookId} drill of ${schedule.serviceId} was due ${schedule.nextDueAt.toISOString()} and has not run for ${Math.floor(late / DAY_MS)} days past it.`;
}

export const MAX_EVERY_DAYS = 365;
