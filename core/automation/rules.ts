import { restartHoldSentence } from "../agents/in-place-restart";
import type { CandidateChoice } from "./candidate";
import { automaticOffSentence, cooldownSentence, gateRefusalSentence, leaseSentence, maintenanceHoldSentence, pauseSentence, runSentence } from "./controls";
import type { Diagnosis, Finding } from "./diagnose";
import type { AutomationSnapshot } from "./snapshot";

export const UNPLANNED_FAILOVER_RUNBOOK = "unplanned-failover";

export type BlockedBy = "paused" | "automatic-off" | "maintenance" | "cooldown" | "gate-refused" | "run-in-progress" | "primary-lease" | "restart-in-place";

/** What a rule asks for; `fail-over` gets its candidate when the rule fires. */
export type RuleAction =
  | { kind: "none" }
  | { kind: "alert" }
  | { kind: "fail-over" }
  | { kind: "open-guided-runbook"; runbookId: typeof UNPLANNED_FAILOVER_RUNBOOK }
  | { kind: "fence" }
  | { kind: "blocked"; by: BlockedBy };

/** What a rule reads: the snapshot, its `now`, the finding, and (for a confirmed loss only) the candidate choice. */
export interface RuleInput {
  snapshot: AutomationSnapshot;
  now: Date;
  finding: Finding;
  choice: CandidateChoice | null;
}

export interface Rule {
  id: string;
  diagnosis: Diagnosis;
  when: (input: RuleInput) => boolean;
  action: RuleAction;
  sentence: (input: RuleInput) => string;
}

/** The last row of every diagnosis; the well-formedness test holds the table to it. */
export const ALWAYS = (): boolean => true;

const blocked = (by: BlockedBy, check: (input: RuleInput) => string | null): Pick<Rule, "when" | "action" | "sentence"> => ({
  when: (input) => check(input) !== null,
  action: { kind: "blocked", by },
  sentence: (input) => `${input.finding.sentence}; not failing over: ${check(input)}`,
});

/**
 * The automation's rules, first match wins within a diagnosis. Ids are
 * stable and say what the row decides: stored decisions, alerts, audit
 * events, tests and operators refer to them; never rename one (a new row
 * takes a new id, and an id once used is never given to another row).
 */
export const RULES: readonly Rule[] = [
  { id: "healthy", diagnosis: "healthy", when: ALWAYS, action: { kind: "none" }, sentence: ({ finding }) => `${finding.sentence}; nothing to do` },
  {
    id: "primary-loss-unconfirmed",
    diagnosis: "primary_unreachable_unconfirmed",
    when: ALWAYS,
    action: { kind: "alert" },
    sentence: ({ finding }) => `${finding.sentence}; no failover until witnesses confirm the loss`,
  },
  { id: "failover-paused", diagnosis: "primary_unreachable_confirmed", ...blocked("paused", ({ snapshot, now }) => pauseSentence(snapshot, now)) },
  { id: "failover-off", diagnosis: "primary_unreachable_confirmed", ...blocked("automatic-off", ({ snapshot }) => automaticOffSentence(snapshot)) },
  { id: "failover-maintenance-window", diagnosis: "primary_unreachable_confirmed", ...blocked("maintenance", ({ snapshot, now }) => maintenanceHoldSentence(snapshot, now)) },
  { id: "failover-cooling-down", diagnosis: "primary_unreachable_confirmed", ...blocked("cooldown", ({ snapshot, now }) => cooldownSentence(snapshot, now)) },
  { id: "failover-gate-refused", diagnosis: "primary_unreachable_confirmed", ...blocked("gate-refused", ({ snapshot, now }) => gateRefusalSentence(snapshot, now)) },
  { id: "failover-run-active", diagnosis: "primary_unreachable_confirmed", ...blocked("run-in-progress", ({ snapshot }) => runSentence(snapshot)) },
  {
    id: "failover-restarting-in-place",
    diagnosis: "primary_unreachable_confirmed",
    ...blocked("restart-in-place", ({ snapshot, now, finding }) =>
      restartHoldSentence(
        snapshot.inPlaceRestart,
        snapshot.replicas.find((replica) => replica.id === finding.subject),
        now,
      ),
    ),
  },
  { id: "failover-lease-held", diagnosis: "primary_unreachable_confirmed", ...blocked("primary-lease", ({ snapshot, now }) => leaseSentence(snapshot, now)) },
  {
    id: "failover-guided",
    diagnosis: "primary_unreachable_confirmed",
    when: ({ choice }) => choice?.candidate === null,
    action: { kind: "open-guided-runbook", runbookId: UNPLANNED_FAILOVER_RUNBOOK },
    sentence: ({ finding, choice }) =>
      `${finding.sentence}; no standby may be promoted automatically (${choice?.sentence}): opening ${UNPLANNED_FAILOVER_RUNBOOK} for a person, and alerting`,
  },
  {
    id: "failover-automatic",
    diagnosis: "primary_unreachable_confirmed",
    when: ALWAYS,
    action: { kind: "fail-over" },
    sentence: ({ finding, choice }) => `${finding.sentence}; fail over to ${choice?.sentence}`,
  },
  { id: "standby-lagging", diagnosis: "standby_lagging", when: ALWAYS, action: { kind: "alert" }, sentence: ({ finding }) => finding.sentence },
  { id: "sync-standby-lost", diagnosis: "sync_standby_lost", when: ALWAYS, action: { kind: "alert" }, sentence: ({ finding }) => finding.sentence },
  {
    id: "run-in-progress",
    diagnosis: "run_in_progress",
    when: ALWAYS,
    action: { kind: "none" },
    sentence: ({ finding }) => `${finding.sentence}; automation waits for it to finish`,
  },
  {
    id: "fence-former-primary",
    diagnosis: "former_primary",
    when: ({ snapshot, finding }) => snapshot.replicas.find((replica) => replica.id === finding.subject)?.readOnly !== true,
    action: { kind: "fence" },
    sentence: ({ finding, snapshot }) =>
      `${finding.sentence}: fencing it at epoch ${snapshot.epoch} (read-only, its sessions ended; commands from older epochs refused), then run reinstate-former-primary`,
  },
  {
    id: "former-primary-fenced",
    diagnosis: "former_primary",
    when: ALWAYS,
    action: { kind: "alert" },
    sentence: ({ finding }) => `${finding.sentence}: it is fenced; run reinstate-former-primary to make it a standby again`,
  },
];
