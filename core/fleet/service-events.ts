import { promotionOf } from "../automation/promotion";

/**
 * What a service's timeline shows of its audit events: one line each, in the
 * words an SRE scans for during an incident.
 */

/**
 * Run steps and agent commands are the inside of a run, many per run; the
 * run's start and finish, the route and the epoch already tell its story.
 */
export const TIMELINE_EXCLUDED_ACTIONS = ["run.step", "agent.command_issue", "agent.command_result"] as const;

export interface AuditEventFacts {
  action: string;
  actorLabel: string;
  outcome: string;
  reason: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const text = (value: unknown, fallback: string) => (typeof value === "string" || typeof value === "number" ? String(value) : fallback);
const because = (reason: string | null) => (reason ? `: ${reason}` : "");

const RUN_VERBS: Record<string, string> = {
  "run.pause": "paused the run",
  "run.resume": "resumed the run",
  "run.abort": "aborted the run",
  "run.cancel": "cancelled the scheduled run",
  "run.confirm": "confirmed a step",
  "run.approve": "approved a step",
  "run.reject": "rejected a step",
  "drill.approve": "approved the drill",
  "drill.reject": "rejected the drill",
};

export function summariseServiceEvent(event: AuditEventFacts): string {
  const failed = event.outcome === "failure" ? " (failed)" : "";
  switch (event.action) {
    case "service.route":
      return `Write route ${text(field(event.before, "writeReplica"), "none")} → ${text(field(event.after, "writeReplica"), "none")}${failed}`;
    case "service.epoch": {
      const candidate = field(event.details, "proof", "candidate");
      const planned = promotionOf(event.details) === "planned" ? " (planned switchover)" : "";
      return `Epoch ${text(field(event.before, "epoch"), "?")} → ${text(field(event.after, "epoch"), "?")}${typeof candidate === "string" ? `, promoting ${candidate}` : ""}${planned}${failed}`;
    }
    case "run.start":
      return `${event.actorLabel} started ${text(field(event.after, "runbook"), "a run")}${because(event.reason)}`;
    case "run.schedule":
      return `${event.actorLabel} scheduled ${text(field(event.after, "runbook"), "a run")} for ${text(field(event.after, "scheduledAt"), "later")}${because(event.reason)}`;
    case "run.refuse":
      return `Scheduled run refused at its time${because(event.reason)}`;
    case "plan.service":
      return `Region evacuation plan ${text(field(event.details, "plan"), "?")}: ${text(field(event.after, "state"), "?").replace("_", " ")}${because(event.reason)}`;
    case "run.finish": {
      const rto = field(event.after, "observedRtoMs");
      return `Run ${text(field(event.after, "status"), "finished")}${typeof rto === "number" ? `, writes refused for ${(rto / 1000).toFixed(1)} s` : ""}${because(event.reason)}`;
    }
    case "drill.start":
      return `${event.actorLabel} started a drill of ${text(field(event.after, "runbook"), "a runbook")}${field(event.after, "switchBack") === true ? ", switching back" : ""}${
        field(event.after, "status") === "awaiting_approval" ? " (awaiting a second person's approval)" : ""
      }${because(event.reason)}`;
    case "drill.expire":
      return "Drill expired unapproved: nothing started";
    case "drill.finish": {
      const rto = field(event.after, "observedRtoMs");
      const lost = field(event.after, "lostWrites");
      return `Drill ${text(field(event.after, "status"), "finished")}: observed RTO ${typeof rto === "number" ? `${(rto / 1000).toFixed(1)} s` : "not measured"}, ${typeof lost === "number" ? `${lost} acknowledged writes lost` : "lost writes not measured"}${because(event.reason)}`;
    }
    case "alert.fire":
      return `Alert firing${because(event.reason)}`;
    case "alert.resolve":
      return `Alert resolved${because(event.reason)}`;
    default: {
      const verb = RUN_VERBS[event.action];
      if (verb) return `${event.actorLabel} ${verb}${because(event.reason)}`;
      return `${event.action} by ${event.actorLabel}${failed}${because(event.reason)}`;
    }
  }
}
