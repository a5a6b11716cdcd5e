import { z } from "zod";
import { PLAN_SERVICE_STATES, PLAN_STATUSES } from "@/core/plans/plan-machine";
import { DRILL_STATUSES, drillApprovalSchema } from "./drills";
import { serviceLabelsSchema } from "./topology";

const serviceId = z.string().min(1).max(64);

export const planOrderSchema = z
  .strictObject({
    groups: z.array(z.array(serviceId).min(1).max(200)).max(50).optional().meta({ description: "Services moved group by group: each group starts once the group before has moved" }),
    dependencies: z
      .array(z.strictObject({ service: serviceId, after: z.array(serviceId).min(1).max(200) }))
      .max(500)
      .optional()
      .meta({ description: "`service` starts only once every service in `after` has moved" }),
  })
  .meta({ id: "PlanOrder" });

export const planDrillRequestSchema = z
  .strictObject({
    switchBack: z.boolean({ error: "must be true or false" }).meta({ description: "Switch each service back to the region once its drill's run succeeded" }),
  })
  .meta({ id: "PlanDrillRequest" });

export const createPlanRequestSchema = z
  .strictObject({
    regionId: z.string().min(1).max(64).meta({ description: "The region to move every write role out of, e.g. aws:us-east-1" }),
    mode: z.enum(["switchover", "failover"]).default("switchover").meta({ description: "switchover while the region answers; failover when it is lost" }),
    services: z.array(serviceId).min(1).max(1000).optional().meta({ description: "The services in scope; every service whose primary is in the region when omitted" }),
    labels: serviceLabelsSchema.optional().meta({ description: "Instead of services: every service carrying all these labels whose primary is in the region" }),
    order: planOrderSchema.default({}),
    concurrency: z.int().min(1, { error: "must be at least 1: a plan that may move no service at once never moves one" }).max(100).default(1),
    failurePolicy: z.enum(["stop", "continue"]).default("stop").meta({ description: "stop: no service starts after one fails; continue: only those waiting for it are skipped" }),
    reason: z.string().trim().min(5, { error: "say why, in at least 5 characters" }).max(1000),
    scheduledAt: z.iso.datetime({ offset: true }).optional().meta({ description: "Start at this time instead of now" }),
    inMaintenanceWindow: z.boolean().default(false).meta({ description: "With scheduledAt: start only inside a maintenance window of every service in scope" }),
    dryRun: z.boolean().default(false).meta({ description: "Only plan: what each service would do and why some cannot move; nothing written" }),
    drill: planDrillRequestSchema.optional().meta({ description: "Run the plan as a drill: each child run is recorded as a drill (canary, observed RTO, report against the budgets)" }),
  })
  .refine((body) => !body.inMaintenanceWindow || body.scheduledAt, { path: ["inMaintenanceWindow"], error: "needs scheduledAt: the time to start inside a window" })
  .meta({ id: "CreatePlanRequest" });

const verdictSchema = z.object({ dataset: z.string(), holds: z.boolean(), sentence: z.string() });

export const planServiceDryRunSchema = z.object({
  serviceId: z.string(),
  inRegion: z.boolean().meta({ description: "Whether its write role is in the region now (false: nothing to move)" }),
  primary: z.string().nullable(),
  primaryRegionId: z.string().nullable(),
  runbookId: z.string(),
  params: z.record(z.string(), z.string()),
  target: z.string().nullable().meta({ description: "The standby candidate selection picks outside the region" }),
  targetRegionId: z.string().nullable(),
  steps: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), targets: z.array(z.string()), condition: z.unknown().nullable(), needed: z.boolean(), hook: z.string().nullable() })),
  residency: z.array(verdictSchema),
  rpo: z.array(verdictSchema),
  blockers: z.array(z.string()).meta({ description: "Why it cannot move now; empty when it can" }),
  dependsOn: z.array(z.string()),
});

export const planDryRunSchema = z
  .object({
    regionId: z.string(),
    mode: z.enum(["switchover", "failover"]),
    concurrency: z.int(),
    failurePolicy: z.enum(["stop", "continue"]),
    services: z.array(planServiceDryRunSchema),
    cannotMove: z.array(z.object({ serviceId: z.string(), reasons: z.array(z.string()) })),
    drill: z
      .object({
        switchBack: z.boolean(),
        approvalRequiredBy: z.array(z.string()).meta({ description: "The services whose policy requires approval: the plan drill waits for one second person's approval before any service starts" }),
        sentence: z.string(),
      })
      .nullable()
      .meta({ description: "Null when the plan is no drill" }),
    snapshotAt: z.iso.datetime(),
  })
  .meta({ id: "PlanDryRun", description: "A region evacuation's dry run: per service, the target, every check, residency and RPO verdicts; nothing changed" });

export const planServiceSchema = z.object({
  serviceId: z.string(),
  state: z.enum(PLAN_SERVICE_STATES),
  sentence: z.string().meta({ description: "Why it is in its state: its rule's sentence" }),
  rule: z.string().nullable(),
  note: z.string().nullable(),
  dependsOn: z.array(z.string()),
  plannedTarget: z.string().nullable().meta({ description: "The standby the dry run picked when the plan started; its run promotes it if it still may be" }),
  run: z
    .object({ id: z.string(), runbookId: z.string(), status: z.string(), target: z.string().nullable(), currentStep: z.string().nullable(), error: z.string().nullable() })
    .nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  drill: z
    .object({ id: z.string(), status: z.enum(DRILL_STATUSES), passed: z.boolean().nullable(), observedRtoMs: z.int().nullable(), lostWrites: z.int().nullable() })
    .nullable()
    .meta({ description: "A plan drill's child: the drill recorded with its run, and its verdict once reported" }),
});

export const planDrillSchema = z
  .object({
    switchBack: z.boolean(),
    result: z.enum(["pending", "passed", "failed"]).meta({ description: "passed only if every child drill passed; pending while anything of it is under way" }),
    rule: z.string(),
    sentence: z.string(),
    approval: drillApprovalSchema.nullable(),
  })
  .meta({ id: "PlanDrill" });

export const planSchema = z
  .object({
    id: z.string(),
    regionId: z.string(),
    mode: z.enum(["switchover", "failover"]),
    status: z.enum(PLAN_STATUSES),
    concurrency: z.int(),
    failurePolicy: z.enum(["stop", "continue"]),
    reason: z.string(),
    order: planOrderSchema,
    scheduledAt: z.iso.datetime().nullable(),
    inMaintenanceWindow: z.boolean(),
    startedBy: z.string(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    drill: planDrillSchema.nullable().meta({ description: "Null when the plan is no drill" }),
    services: z.array(planServiceSchema),
  })
  .meta({ id: "Plan" });

/** What starting a plan answers: the plan, or (dryRun) its dry run. */
export const createPlanAnswerSchema = z.union([planSchema, planDryRunSchema]);

export const planListSchema = z.object({ plans: z.array(planSchema.omit({ services: true, drill: true }).extend({ drill: z.boolean().meta({ description: "Whether the plan is a drill" }) }).extend({ counts: z.record(z.string(), z.int()) })) }).meta({ id: "PlanList" });
export const planIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const planControlSchema = z.strictObject({ reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(1000) }).meta({ id: "PlanControl" });
export const planListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export type CreatePlanRequest = z.infer<typeof createPlanRequestSchema>;
export type PlanView = z.infer<typeof planSchema>;
export type PlanDryRunView = z.infer<typeof planDryRunSchema>;
export type PlanListView = z.infer<typeof planListSchema>;
