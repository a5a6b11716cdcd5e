import { z } from "zod";
import { DIAGNOSES } from "@/core/automation/diagnose";

export const diagnosisSchema = z.enum(DIAGNOSES).meta({ id: "Diagnosis" });

export const decisionActionSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("none") }),
    z.object({ kind: z.literal("alert") }),
    z.object({ kind: z.literal("fail-over"), candidateId: z.string(), candidateName: z.string() }),
    z.object({ kind: z.literal("open-guided-runbook"), runbookId: z.string() }),
    z.object({ kind: z.literal("blocked"), by: z.enum(["paused", "automatic-off", "cooldown", "run-in-progress"]) }),
  ])
  .meta({ id: "DecisionAction", description: "What the rule asks for; `open-guided-runbook` hands the failover to a person and alerts" });

export const automationDecisionSchema = z
  .object({
    ruleId: z.string().meta({ description: "Stable id of the rule that decided, e.g. `R8`" }),
    diagnosis: diagnosisSchema,
    subject: z.string().nullable().meta({ description: "The replica or run the diagnosis is about" }),
    action: decisionActionSchema,
    sentence: z.string().meta({ description: "Why, in words" }),
  })
  .meta({ id: "AutomationDecision" });

export const serviceAutomationSchema = z
  .object({
    serviceId: z.string(),
    acting: z.literal(false).meta({ description: "The automation only detects for now; nothing is carried out" }),
    sentence: z.string(),
    policyVersion: z.number().int().nullable(),
    decisions: z.array(automationDecisionSchema),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "ServiceAutomation" });

export type ServiceAutomation = z.infer<typeof serviceAutomationSchema>;
