import { type CandidateChoice, chooseCandidate } from "./candidate";
import { type Diagnosis, diagnose, type Finding } from "./diagnose";
import { type BlockedBy, RULES, type Rule, type RuleInput, UNPLANNED_FAILOVER_RUNBOOK } from "./rules";
import type { AutomationSnapshot } from "./snapshot";

export type DecisionAction =
  | { kind: "none" }
  | { kind: "alert" }
  | { kind: "fail-over"; candidateId: string; candidateName: string }
  | { kind: "open-guided-runbook"; runbookId: typeof UNPLANNED_FAILOVER_RUNBOOK }
  | { kind: "fence" }
  | { kind: "blocked"; by: BlockedBy };

export interface Decision {
  ruleId: string;
  diagnosis: Diagnosis;
  subject: string | null;
  action: DecisionAction;
  sentence: string;
}

type Handler = (snapshot: AutomationSnapshot) => CandidateChoice | null;
const noCandidate: Handler = () => null;

/**
 * What each diagnosis needs worked out before its rules run. Only a confirmed
 * loss looks for a candidate; the `Record` makes the compiler refuse a new
 * diagnosis until someone says how it is handled.
 */
const HANDLERS: Record<Diagnosis, Handler> = {
  healthy: noCandidate,
  primary_unreachable_confirmed: chooseCandidate,
  primary_unreachable_unconfirmed: noCandidate,
  standby_lagging: noCandidate,
  sync_standby_lost: noCandidate,
  run_in_progress: noCandidate,
  former_primary: noCandidate,
};

function actionOf(rule: Rule, input: RuleInput): DecisionAction {
  if (rule.action.kind !== "fail-over") return rule.action;
  const candidate = input.choice?.candidate;
  if (!candidate) throw new Error(`rule ${rule.id} fails over without a candidate`);
  return { kind: "fail-over", candidateId: candidate.id, candidateName: candidate.name };
}

function decideOne(snapshot: AutomationSnapshot, now: Date, finding: Finding): Decision {
  const input: RuleInput = { snapshot, now, finding, choice: HANDLERS[finding.diagnosis](snapshot) };
  const rule = RULES.find((row) => row.diagnosis === finding.diagnosis && row.when(input));
  if (!rule) throw new Error(`no rule decides ${finding.diagnosis}`);
  return { ruleId: rule.id, diagnosis: finding.diagnosis, subject: finding.subject, action: actionOf(rule, input), sentence: rule.sentence(input) };
}

/** One decision per finding, each with the rule that made it and why; pure, so it can be replayed. */
export function decide(snapshot: AutomationSnapshot, now: Date): Decision[] {
  return diagnose(snapshot, now).map((finding) => decideOne(snapshot, now, finding));
}
