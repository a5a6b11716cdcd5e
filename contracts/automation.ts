import { z } from "zod";
import { DIAGNOSES } from "@/core/automation/diagnose";
import { automationStateSchema } from "./fleet-overview";

export const diagnosisSchema = z.enum(DIAGNOSES).meta({ id: "Diagnosis" });

export const decisionActionSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("none") }),
    z.object({ kind: z.literal("alert") }),
    z.object({ kind: z.literal("fail-over"), candidateId: z.string(), candidateName: z.string() }),
    z.object({ kind: z.literal("open-guided-runbook"), runbookId: z.string() }),
    z.object({ kind: z.literal("fence") }),
    z.object({ kind: z.literal("blocked"), by: z.enum(["paused", "automatic-off", "maintenance", "cooldown", "gate-refused", "run-in-progress", "primary-lease", "restart-in-place"]) }),
  ])
  .meta({ id: "DecisionAction", description: "What the rule asks for; `open-guided-runbook` hands the failover to a person and alerts; `fence` makes a former primary read-only" });

export const automationDecisionSchema = z
  .object({
    ruleId: z.string().meta({ description: "Stable id of the rule that decided, e.g. `failover-automatic`" }),
    diagnosis: diagnosisSchema,
    subject: z.string().nullable().meta({ description: "The replica or run the diagnosis is about" }),
    action: decisionActionSchema,
    sentence: z.string().meta({ description: "Why, in words" }),
  })
  .meta({ id: "AutomationDecision" });

export const decisionReplaySchema = z
  .object({
    seq: z.string().meta({ description: "The `automation.decide` audit event replayed" }),
    serviceId: z.string(),
    recorded: automationDecisionSchema.pick({ ruleId: true, subject: true, sentence: true }).extend({
      decidedAt: z.iso.datetime().meta({ description: "The moment the decider judged at, used again" }),
    }),
    replayed: z.array(automationDecisionSchema).meta({ description: "Every decision the recorded snapshot gives with the rules of this control plane" }),
    same: z.boolean().meta({ description: "Whether the recorded rule, subject and sentence are among them" }),
    sentence: z.string(),
  })
  .meta({ id: "DecisionReplay", description: "A recorded automation decision decided again on the snapshot it was decided on" });
export type DecisionReplayView = z.infer<typeof decisionReplaySchema>;

export const recordedDecisionSchema = automationDecisionSchema
  .extend({
    since: z.iso.datetime().meta({ description: "When the decider first took this decision (it holds while the rule keeps matching)" }),
    actedAt: z.iso.datetime().nullable().meta({ description: "When the decider carried the action out; null for decisions that only record or alert" }),
    runId: z.string().nullable().meta({ description: "The run the decision started, if any" }),
  })
  .meta({ id: "RecordedDecision" });

export const serviceAutomationSchema = z
  .object({
    serviceId: z.string(),
    acting: z.boolean().meta({ description: "Whether the decider carries out failovers for this service now (a decider runs, policy allows automatic failover, nothing pauses it)" }),
    sentence: z.string(),
    policyVersion: z.number().int().nullable(),
    state: automationStateSchema.meta({ description: "As the fleet overview shows it: on, paused, held by a maintenance window, cooling down after a failover, or off" }),
    decider: z
      .object({
        holder: z.string(),
        expiresAt: z.iso.datetime(),
        lastPassAt: z.iso.datetime().nullable().meta({ description: "When the decider's last complete pass over the fleet ended; null if none has" }),
        lastPassMs: z.number().int().nullable().meta({ description: "How long that pass took, in milliseconds" }),
      })
      .nullable()
      .meta({ description: "The control-plane copy holding the decider lease; null when none does (nothing acts)" }),
    decisions: z.array(automationDecisionSchema).meta({ description: "What the rules decide on the service's state now" }),
    recorded: z.array(recordedDecisionSchema).meta({ description: "The decisions the decider last recorded for the service" }),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "ServiceAutomation" });

export type ServiceAutomation = z.infer<typeof serviceAutomationSchema>;

export const AUTOMATION_PAUSE_STATES = ["active", "ended", "expired"] as const;

export const automationPauseSchema = z
  .object({
    id: z.string(),
    scope: z.string().meta({ description: "`global` or `service:<id>`" }),
    serviceId: z.string().nullable().meta({ description: "The paused service; null for a global pause" }),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    endedAt: z.iso.datetime().nullable(),
    endedBy: z.string().nullable(),
    state: z.enum(AUTOMATION_PAUSE_STATES).meta({ description: "`active` until ended or past its expiry" }),
  })
  .meta({ id: "AutomationPause", description: "While active, the automation of its scope only detects and alerts" });

export type AutomationPauseView = z.infer<typeof automationPauseSchema>;

export const createAutomationPauseRequestSchema = z
  .strictObject({
    scope: z.string().trim().min(1).max(64).meta({ description: "`global`, or the id of the service to pause" }),
    reason: z.string().trim().min(5, { error: "say why automation is paused (at least 5 characters)" }).max(2000),
    expiresAt: z.iso.datetime({ offset: true }).meta({ description: "When the pause ends by itself: in the future, at most 7 days away" }),
  })
  .meta({ id: "CreateAutomationPauseRequest" });

export const automationPauseIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const automationPauseListSchema = z
  .object({
    active: z.array(automationPauseSchema).meta({ description: "Pauses in force, ending soonest first" }),
    recent: z.array(automationPauseSchema).meta({ description: "The 50 newest pauses, whatever their state" }),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "AutomationPauseList" });

export const acknowledgeFailoverRequestSchema = z
  .strictObject({ note: z.string().trim().min(3, { error: "say what was checked after the failover (at least 3 characters)" }).max(2000) })
  .meta({ id: "AcknowledgeFailoverRequest" });

export const automationAcknowledgementSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    note: z.string(),
    by: z.string(),
    at: z.iso.datetime(),
    lastFailoverAt: z.iso.datetime().nullable().meta({ description: "The failover this acknowledges; null when the service has none recorded" }),
  })
  .meta({ id: "AutomationAcknowledgement", description: "Lets automatic failover act again before the cooldown after the last failover ends" });

export type AutomationAcknowledgementView = z.infer<typeof automationAcknowledgementSchema>;
