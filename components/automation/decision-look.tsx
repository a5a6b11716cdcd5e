import type { ServiceAutomation } from "@/contracts/automation";
import type { Diagnosis } from "@/core/automation/diagnose";
import { Badge, type Tone } from "@/components/ui/badge";

export type Decision = ServiceAutomation["decisions"][number];
type Action = Decision["action"];
type BlockedBy = Extract<Action, { kind: "blocked" }>["by"];

/** Each action has a tone, an icon and words, so no reader depends on colour alone. */
const ACTION_LOOK: Record<Action["kind"], { tone: Tone; icon: string }> = {
  none: { tone: "ok", icon: "✓" },
  alert: { tone: "warn", icon: "▲" },
  "fail-over": { tone: "bad", icon: "⇄" },
  "open-guided-runbook": { tone: "bad", icon: "☞" },
  fence: { tone: "bad", icon: "⊘" },
  blocked: { tone: "info", icon: "‖" },
};

const BLOCKED_BY: Record<BlockedBy, string> = {
  paused: "paused",
  "automatic-off": "automatic failover is off",
  maintenance: "held by a maintenance window",
  cooldown: "cooling down after a failover",
  "gate-refused": "a pre-failover gate refused",
  "run-in-progress": "a run is in progress",
  "primary-lease": "the old primary's lease has not lapsed",
  "restart-in-place": "the primary's agent is restarting it in place",
};

/** The compiler holds this to every diagnosis the core can name. */
export const DIAGNOSIS_LABEL: Record<Diagnosis, string> = {
  healthy: "healthy",
  primary_unreachable_confirmed: "primary lost, witnesses confirm",
  primary_unreachable_unconfirmed: "primary unheard, loss not confirmed",
  standby_lagging: "standby lagging",
  sync_standby_lost: "synchronous standby lost",
  run_in_progress: "run in progress",
  former_primary: "former primary is back",
};

/** Whether carrying the action out starts something (a run, a fence command); the others only record and alert. */
export const ACTS: Record<Action["kind"], boolean> = { none: false, alert: false, "fail-over": true, "open-guided-runbook": true, fence: true, blocked: false };

function actionText(decision: Decision, nameOf: (replicaId: string) => string): string {
  const { action } = decision;
  switch (action.kind) {
    case "none":
      return "nothing to do";
    case "alert":
      return "alerts";
    case "fail-over":
      return `fails over to ${action.candidateName}`;
    case "open-guided-runbook":
      return `opens ${action.runbookId} for a person`;
    case "fence":
      return `fences ${decision.subject ? nameOf(decision.subject) : "the former primary"}`;
    case "blocked":
      return `blocked: ${BLOCKED_BY[action.by]}`;
  }
}

export function ActionBadge({ decision, nameOf }: { decision: Decision; nameOf: (replicaId: string) => string }) {
  const look = ACTION_LOOK[decision.action.kind];
  return (
    <Badge tone={look.tone}>
      <span aria-hidden="true">{look.icon}</span> {actionText(decision, nameOf)}
    </Badge>
  );
}
