/**
 * One incident's timeline: what the record holds about its services between
 * a little before the first sign and the resolution, in order, each entry
 * with who or what did it and why.
 */

/** How long before the first sign the timeline starts: what led up to it (a blip, a pending alert) belongs to the story. */
export const TIMELINE_LEAD_MS = 5 * 60_000;

export type TimelineActorType = "user" | "agent" | "automation" | "system";

/** An audit event as the timeline reads it. */
export interface TimelineAuditEvent {
  seq: string;
  at: Date;
  actorType: TimelineActorType;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  serviceId: string | null;
  outcome: "success" | "failure";
  reason: string | null;
  after: unknown;
  details: unknown;
  runId: string | null;
}

/** An alert whose condition started holding: the first sign, before it fires (which the audit trail records). */
export interface TimelineAlert {
  id: string;
  ruleId: string;
  serviceId: string | null;
  subjectLabel: string;
  severity: string;
  startedAt: Date;
  sentence: string;
}

export interface TimelineEntry {
  at: Date;
  /** What the entry comes from and its id there: an audit event's seq, an alert's id. */
  source: { kind: "audit" | "alert"; id: string };
  /** The audit action (`alert.fire`, `run.start`…); null for an alert's start. */
  action: string | null;
  actor: { type: TimelineActorType; label: string };
  /** The service it is about, when one. */
  serviceId: string | null;
  what: string;
  /** The rule that decided it (an automation rule, an alert rule, a step or incident rule), when one did. */
  rule: string | null;
  /** Why, in the record's own words (the rule's sentence, a person's note). */
  why: string | null;
  /** The run it belongs to, for a link. */
  runId: string | null;
  outcome: "success" | "failure";
}

export interface TimelineWindow {
  from: Date;
  to: Date;
}

/** How long after the resolution the timeline still reads: the resolution's own audit event is written a moment after it, and what it set off (a run ending, alerts clearing) belongs to the story. */
export const TIMELINE_TAIL_MS = 60_000;

/** From a little before the first sign to a little after the resolution (or now, while the incident is open). */
export function timelineWindow(firstSignAt: Date, resolvedAt: Date | null, now: Date): TimelineWindow {
  return { from: new Date(firstSignAt.getTime() - TIMELINE_LEAD_MS), to: resolvedAt ? new Date(resolvedAt.getTime() + TIMELINE_TAIL_MS) : now };
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | null => (typeof value === "string" && value.length ? value : null);

/** What each kind of event did, in a few words; an action not named here is told by its name and target. */
const DESCRIBE: Record<string, (event: TimelineAuditEvent) => string> = {
  "alert.fire": (event) => `Alert fired: ${text(record(event.after).rule) ?? "alert"} on ${text(record(event.after).subject) ?? event.targetId}`,
  "alert.resolve": (event) => `Alert resolved: ${text(record(event.after).rule) ?? "alert"} on ${text(record(event.after).subject) ?? event.targetId}`,
  "alert.acknowledge": (event) => `${event.actorLabel} acknowledged the ${text(record(event.details).rule) ?? ""} alert on ${text(record(event.details).subject) ?? event.targetId}`,
  "automation.decide": (event) => `Automation decided: ${text(record(record(event.details).action).kind) ?? "decision"}`,
  "automation.fence": (event) => `Automation fenced ${text(record(event.details).replica) ?? event.targetId}`,
  "automation.pause": (event) => `${event.actorLabel} paused automatic failover`,
  "automation.resume": (event) => `${event.actorLabel} resumed automatic failover`,
  "automation.acknowledge": (event) => `${event.actorLabel} acknowledged the failover (cooldown lifted)`,
  "run.start": (event) => `Run ${text(record(event.after).runbook) ?? ""} started by ${event.actorLabel}`.replace("  ", " "),
  "run.step": (event) => `Step ${text(record(event.details).step) ?? "?"} ${text(record(event.details).state) ?? "changed"}`,
  "run.finish": (event) => `Run ${text(record(event.after).status) ?? "finished"}${typeof record(event.after).observedRtoMs === "number" ? ` (observed RTO ${record(event.after).observedRtoMs} ms)` : ""}`,
  "service.route": (event) => `Write route of ${event.serviceId ?? "the service"} switched`,
  "service.epoch": (event) => `Fencing epoch of ${event.serviceId ?? "the service"} raised`,
  "agent.command_issue": (event) => `Command ${text(record(event.details).kind) ?? ""} issued to ${text(record(event.details).replica) ?? event.targetId}`.replace("  ", " "),
  "agent.command_result": (event) => `${event.actorLabel} reported a command's result`,
  "incident.open": (event) => `Incident opened by ${event.actorLabel}`,
  "incident.attach": (event) => `${text(record(event.details).sign) ?? "A sign"} joined the incident`,
  "incident.status": (event) => `${event.actorLabel} set the status to ${text(record(event.after).status) ?? "?"}`,
  "incident.roles": (event) => `${event.actorLabel} changed the roles`,
  "incident.review": (event) => `${event.actorLabel} saved review version ${String(record(event.after).version ?? "?")}`,
};

const describe = (event: TimelineAuditEvent) => DESCRIBE[event.action]?.(event) ?? `${event.action} (${event.targetType}${event.targetId ? ` ${event.targetId}` : ""}) by ${event.actorLabel}`;

/** The rule behind an event: automation and step rules are on its details, an alert's on its `after`. */
const ruleOf = (event: TimelineAuditEvent) => text(record(event.details).rule) ?? text(record(event.after).rule);

export function auditEntry(event: TimelineAuditEvent): TimelineEntry {
  return {
    at: event.at,
    source: { kind: "audit", id: event.seq },
    action: event.action,
    actor: { type: event.actorType, label: event.actorLabel },
    serviceId: event.serviceId,
    what: describe(event),
    rule: ruleOf(event),
    why: event.reason,
    runId: event.runId,
    outcome: event.outcome,
  };
}

export function alertStartEntry(alert: TimelineAlert): TimelineEntry {
  return {
    at: alert.startedAt,
    source: { kind: "alert", id: alert.id },
    action: null,
    actor: { type: "system", label: "alerting" },
    serviceId: alert.serviceId,
    what: `Condition started holding: ${alert.ruleId} (${alert.severity}) on ${alert.subjectLabel}`,
    rule: alert.ruleId,
    why: alert.sentence,
    runId: null,
    outcome: "success",
  };
}

/** Alert starts come before the audit events of the same instant (the condition holds before anything acts on it); audit events keep the chain's order. */
function compare(a: TimelineEntry, b: TimelineEntry): number {
  const byTime = a.at.getTime() - b.at.getTime();
  if (byTime !== 0) return byTime;
  if (a.source.kind !== b.source.kind) return a.source.kind === "alert" ? -1 : 1;
  if (a.source.kind === "audit") return Number(BigInt(a.source.id) - BigInt(b.source.id));
  return a.source.id < b.source.id ? -1 : a.source.id > b.source.id ? 1 : 0;
}

/** The entries within `window`, in order. */
export function incidentTimeline(window: TimelineWindow, events: readonly TimelineAuditEvent[], alerts: readonly TimelineAlert[]): TimelineEntry[] {
  const inside = (at: Date) => at >= window.from && at <= window.to;
  return [...alerts.filter((alert) => inside(alert.startedAt)).map(alertStartEntry), ...events.filter((event) => inside(event.at)).map(auditEntry)].sort(compare);
}
