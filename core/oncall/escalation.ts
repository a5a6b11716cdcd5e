import type { AlertSeverity } from "../alerts/alert-rules";
import { isPageLevel, PAGE_SEVERITY } from "../alerts/page-level";
import { onCallAt, type OnCallSchedule } from "./on-call-schedule";

export type EscalationTarget = { type: "user"; userId: string } | { type: "schedule"; scheduleId: string };

export interface EscalationLevel {
  /** How long the level has to acknowledge before the next one is paged. */
  timeoutMinutes: number;
  targets: readonly EscalationTarget[];
}

export interface EscalationPolicy {
  id: string;
  name: string;
  levels: readonly EscalationLevel[];
}

/** What escalation needs to know of an alert. */
export interface EscalatedAlert {
  severity: AlertSeverity;
  state: "pending" | "firing" | "resolved";
  acknowledgedAt: Date | null;
  /** Set while the alert, raised in a maintenance window, has been told to nobody. */
  maintenance: string | null;
}

/** A page already sent for the alert (levels count from 0). */
export interface SentPage {
  level: number;
  userId: string;
  sentAt: Date;
}

/** A page to send now: to a person, for a level, directly or as on call in a schedule. */
export interface PageToSend {
  level: number;
  userId: string;
  scheduleId: string | null;
}

export interface EscalationFacts {
  alert: EscalatedAlert;
  /** The service's policy, else the default one; null when there is neither. */
  policy: EscalationPolicy | null;
  schedules: ReadonlyMap<string, OnCallSchedule>;
  sent: readonly SentPage[];
  now: Date;
}

/** Where the policy's levels stand, walked once before the table is read. */
type Progress =
  | { kind: "page"; first: boolean; level: number; pages: PageToSend[]; skipped: number[] }
  | { kind: "wait"; level: number; until: Date }
  | { kind: "exhausted"; skipped: number[] }
  | { kind: "nobody"; skipped: number[] };

/** Everyone a level pages at `now`: its people, and whoever is on call in its schedules; each once. */
export function levelPages(level: EscalationLevel, index: number, schedules: ReadonlyMap<string, OnCallSchedule>, now: Date): PageToSend[] {
  const pages = new Map<string, PageToSend>();
  for (const target of level.targets) {
    if (target.type === "user") {
      if (!pages.has(target.userId)) pages.set(target.userId, { level: index, userId: target.userId, scheduleId: null });
      continue;
    }
    const schedule = schedules.get(target.scheduleId);
    for (const userId of schedule ? onCallAt(schedule, now).userIds : []) {
      if (!pages.has(userId)) pages.set(userId, { level: index, userId, scheduleId: target.scheduleId });
    }
  }
  return [...pages.values()];
}

const MINUTE_MS = 60_000;

function progressOf(policy: EscalationPolicy, schedules: ReadonlyMap<string, OnCallSchedule>, sent: readonly SentPage[], now: Date): Progress {
  const highest = sent.length ? Math.max(...sent.map((page) => page.level)) : -1;
  const current = policy.levels[highest];
  if (current) {
    const pagedAt = Math.min(...sent.filter((page) => page.level === highest).map((page) => page.sentAt.getTime()));
    const until = new Date(pagedAt + current.timeoutMinutes * MINUTE_MS);
    if (now < until) return { kind: "wait", level: highest, until };
  }
  const skipped: number[] = [];
  for (let index = highest + 1; index < policy.levels.length; index += 1) {
    const pages = levelPages(policy.levels[index]!, index, schedules, now);
    if (pages.length) return { kind: "page", first: highest === -1, level: index, pages, skipped };
    skipped.push(index);
  }
  return highest === -1 ? { kind: "nobody", skipped } : { kind: "exhausted", skipped };
}

export const ESCALATION_RULE_IDS = [
  "alert-resolved",
  "alert-acknowledged",
  "below-page-level",
  "not-yet-firing",
  "raised-in-maintenance",
  "no-escalation-policy",
  "page-first-level",
  "escalate-after-timeout",
  "wait-for-acknowledgement",
  "levels-exhausted",
  "nobody-on-call",
] as const;
export type EscalationRuleId = (typeof ESCALATION_RULE_IDS)[number];

interface RuleFacts extends EscalationFacts {
  progress: Progress | null;
}

export interface EscalationRule {
  id: EscalationRuleId;
  sentence: string;
  applies(facts: RuleFacts): boolean;
  /** What the row says of this alert, for the audit trail and the alert's page. */
  says(facts: RuleFacts): string;
}

const levelName = (index: number, policy: EscalationPolicy | null) => `level ${index + 1} of ${policy?.levels.length ?? 0}`;
const skippedNote = (skipped: readonly number[]) => (skipped.length ? ` (${skipped.map((index) => `level ${index + 1}`).join(", ")} had nobody on call and ${skipped.length === 1 ? "was" : "were"} skipped)` : "");

/**
 * How a page-level alert escalates, as a table read top to bottom; the
 * first row that applies decides. Ids are stable: stored on audit events
 * and asserted in tests. A level's timeout runs from when it was paged, so
 * a control plane that was down pages late but never cuts a level short.
 */
export const ESCALATION_RULES: readonly EscalationRule[] = [
  {
    id: "alert-resolved",
    sentence: "A resolved alert pages nobody: resolution stops escalation.",
    applies: ({ alert }) => alert.state === "resolved",
    says: () => "the alert resolved: escalation stopped",
  },
  {
    id: "alert-acknowledged",
    sentence: "An acknowledged alert pages nobody more: acknowledgement stops escalation.",
    applies: ({ alert }) => alert.acknowledgedAt !== null,
    says: ({ alert }) => `acknowledged at ${alert.acknowledgedAt?.toISOString()}: escalation stopped`,
  },
  {
    id: "below-page-level",
    sentence: `Only ${PAGE_SEVERITY} alerts page people (${PAGE_SEVERITY} is the page level); others go to the configured webhooks alone.`,
    applies: ({ alert }) => !isPageLevel(alert.severity),
    says: ({ alert }) => `a ${alert.severity} alert does not page`,
  },
  {
    id: "not-yet-firing",
    sentence: "A pending alert pages nobody until it fires.",
    applies: ({ alert }) => alert.state !== "firing",
    says: () => "pending: pages once it fires",
  },
  {
    id: "raised-in-maintenance",
    sentence: "An alert raised in a maintenance window is told to nobody, so it pages nobody while the window lasts.",
    applies: ({ alert }) => alert.maintenance !== null,
    says: ({ alert }) => `raised in a ${alert.maintenance}: nobody paged`,
  },
  {
    id: "no-escalation-policy",
    sentence: "An alert of a service without an escalation policy, when there is no default policy either, pages nobody.",
    applies: ({ policy }) => policy === null,
    says: () => "no escalation policy for the service and no default policy: nobody paged",
  },
  {
    id: "page-first-level",
    sentence: "A firing critical alert nobody has acknowledged pages the first level with someone on call at once.",
    applies: ({ progress }) => progress?.kind === "page" && progress.first,
    says: ({ progress, policy }) => (progress?.kind === "page" ? `paged ${levelName(progress.level, policy)}${skippedNote(progress.skipped)}` : ""),
  },
  {
    id: "escalate-after-timeout",
    sentence: "A level that has not acknowledged within its timeout escalates: the next level with someone on call is paged.",
    applies: ({ progress }) => progress?.kind === "page" && !progress.first,
    says: ({ progress, policy }) =>
      progress?.kind === "page" ? `not acknowledged within level ${progress.level}'s timeout: paged ${levelName(progress.level, policy)}${skippedNote(progress.skipped)}` : "",
  },
  {
    id: "wait-for-acknowledgement",
    sentence: "While the paged level's timeout runs, nobody else is paged.",
    applies: ({ progress }) => progress?.kind === "wait",
    says: ({ progress, policy }) => (progress?.kind === "wait" ? `${levelName(progress.level, policy)} paged; escalates at ${progress.until.toISOString()} unless acknowledged` : ""),
  },
  {
    id: "levels-exhausted",
    sentence: "After the last level's timeout nobody more is paged; the alert stays firing and unacknowledged on the alerts page.",
    applies: ({ progress }) => progress?.kind === "exhausted",
    says: ({ progress }) => `every level paged and none acknowledged${progress?.kind === "exhausted" ? skippedNote(progress.skipped) : ""}`,
  },
  {
    id: "nobody-on-call",
    sentence: "When no level of the policy has anyone on call, nobody can be paged; the alert says so.",
    applies: ({ progress }) => progress?.kind === "nobody",
    says: ({ policy }) => `no level of "${policy?.name}" has anyone on call: nobody paged`,
  },
];

export interface EscalationDecision {
  rule: EscalationRuleId;
  sentence: string;
  pages: PageToSend[];
  /** When the level now waiting escalates, unless acknowledged; null when nothing waits. */
  escalatesAt: Date | null;
}

/** What to do about one alert now: the pages to send (none, mostly) and the row that says why. */
export function decideEscalation(facts: EscalationFacts): EscalationDecision {
  const progress = facts.policy ? progressOf(facts.policy, facts.schedules, facts.sent, facts.now) : null;
  const withProgress = { ...facts, progress };
  const rule = ESCALATION_RULES.find((row) => row.applies(withProgress));
  if (!rule) throw new Error("The escalation table has a row for every alert.");
  return {
    rule: rule.id,
    sentence: rule.says(withProgress),
    pages: (rule.id === "page-first-level" || rule.id === "escalate-after-timeout") && progress?.kind === "page" ? progress.pages : [],
    escalatesAt: rule.id === "wait-for-acknowledgement" && progress?.kind === "wait" ? progress.until : null,
  };
}
