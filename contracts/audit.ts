import { z } from "zod";

/** Every kind of state change the audit chain records. */
export const AUDIT_ACTIONS = [
  "admin.bootstrap",
  "agent.command_issue",
  "agent.command_result",
  "agent.enroll",
  "agent.enrollment_token_issue",
  "agent.register",
  "agent.revoke",
  "agent.token_rotate",
  "agent.witness_key_bind",
  "agent.witness_key_refuse",
  "alert.acknowledge",
  "alert.fire",
  "alert.page",
  "alert.page_follow_up",
  "alert.resolve",
  "auth.break_glass",
  "auth.lockout",
  "auth.refusals",
  "auth.sign_in",
  "auth.sign_out",
  "change_request.approve",
  "change_request.create",
  "change_request.rebase",
  "change_request.reject",
  "drill.approve",
  "drill.expire",
  "drill.finish",
  "drill.reject",
  "drill.start",
  "drill_schedule.create",
  "drill_schedule.disable",
  "escalation_policy.assign",
  "escalation_policy.create",
  "escalation_policy.delete",
  "escalation_policy.update",
  "incident.attach",
  "incident.open",
  "incident.review",
  "incident.roles",
  "incident.status",
  "command_key.create",
  "command_key.rotation_cancel",
  "command_key.rotation_complete",
  "command_key.rotation_start",
  "audit.chain_keyed",
  "audit.checkpoint",
  "audit.export",
  "audit.verify",
  "audit.view",
  "automation.acknowledge",
  "automation.pause",
  "automation.resume",
  "automation.decide",
  "automation.fence",
  "oncall_override.create",
  "oncall_override.delete",
  "oncall_schedule.create",
  "oncall_schedule.delete",
  "oncall_schedule.update",
  "paging_contact.delete",
  "paging_contact.update",
  "plan.abort",
  "plan.approve",
  "plan.cancel",
  "plan.expire",
  "plan.finish",
  "plan.pause",
  "plan.reject",
  "plan.resume",
  "plan.schedule",
  "plan.service",
  "plan.start",
  "policy.apply",
  "policy.emergency_apply",
  "policy.emergency_review",
  "primary_lease.lapse",
  "primary_lease.refuse",
  "primary_lease.self_fence",
  "primary_lease.self_unfence",
  "replica.update",
  "restart_in_place.finish",
  "restart_in_place.give_up",
  "restart_in_place.start",
  "residency.refuse",
  "run.abort",
  "run.approve",
  "run.cancel",
  "run.confirm",
  "run.finish",
  "run.pause",
  "run.refuse",
  "run.reject",
  "run.resume",
  "run.schedule",
  "run.start",
  "run.step",
  "service.epoch",
  "service.route",
  "silence.create",
  "silence.expire",
  "status_page.components_update",
  "store.seed",
  "topology.apply",
  "topology.discover",
  "token.issue",
  "token.revoke",
  "user.create",
  "user.grant_approve",
  "user.grant_host",
  "user.grant_reject",
  "user.grant_request",
  "user.password_change",
  "user.password_reset",
  "user.update",
] as const;

export const auditActionSchema = z.enum(AUDIT_ACTIONS).meta({ id: "AuditAction" });
export type AuditAction = z.infer<typeof auditActionSchema>;

const checkpointCheckSchema = z
  .object({
    source: z.string().meta({ description: "`request` for the checkpoint named in the request, else the sink it was read back from (`file`, `s3`)" }),
    seq: z.number().int(),
    expectedHash: z.string(),
    foundHash: z.string().nullable().meta({ description: "The hash stored at that seq now; null when the event is gone" }),
    matches: z.boolean(),
    brokenAtSeq: z.number().int().optional().meta({ description: "On a mismatch: the first seq the checkpoint no longer vouches for" }),
    reason: z.string().optional(),
  })
  .meta({ id: "AuditCheckpointCheck" });

const sourceProblemSchema = z.object({ source: z.string(), reason: z.string() });

export const auditVerifyQuerySchema = z
  .object({
    checkpointSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: "A checkpoint's `seq`, from `GET /api/v1/audit/checkpoint`" }),
    checkpointHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: "must be the checkpoint's hash: 64 lower-case hex digits" })
      .optional()
      .meta({ description: "The checkpoint's `hash`" }),
    checkpointAt: z.iso
      .datetime({ error: "must be the checkpoint's `at`, an ISO 8601 UTC time" })
      .optional()
      .meta({ description: "The checkpoint's `at`: with it, a mismatch says where the events the checkpoint covered were removed" }),
  })
  .refine((query) => (query.checkpointSeq === undefined) === (query.checkpointHash === undefined), {
    path: ["checkpointHash"],
    error: "give checkpointSeq and checkpointHash together",
  })
  .refine((query) => query.checkpointAt === undefined || query.checkpointSeq !== undefined, {
    path: ["checkpointAt"],
    error: "give checkpointAt with checkpointSeq and checkpointHash",
  });

const keyingShape = {
  keyedFromSeq: z.number().int().meta({ description: "Events from this seq on are keyed (HMAC-SHA-256 with a key kept outside the store); those before it were written before the chain had a key" }),
  chainKeyId: z.string().meta({ description: "Id of the chain's key (not the key)" }),
  verifiedAt: z.iso.datetime(),
  checkpoint: checkpointCheckSchema.optional().meta({ description: "Present when the request named a checkpoint" }),
  published: z
    .object({
      compared: z.array(checkpointCheckSchema).meta({ description: "Checkpoints read back from the configured sinks, signature verified: each sink's newest and, when it does not match, the newest that does" }),
      rejected: z.array(sourceProblemSchema).meta({ description: "Documents found in a sink whose signature does not verify with the audit checkpoint key: ignored" }),
      unreadable: z.array(sourceProblemSchema).meta({ description: "Sinks that could not be read (a webhook never can, and is not listed)" }),
    })
    .meta({ description: "The comparison with checkpoints published off the box" }),
};

export const CHAIN_PROBLEMS = ["sequence_gap", "link_mismatch", "hash_mismatch", "rehashed_without_key", "not_keyed", "truncated", "checkpoint_mismatch"] as const;

export const auditVerificationSchema = z
  .discriminatedUnion("intact", [
    z.object({
      intact: z.literal(true),
      throughSeq: z.number().int().meta({ description: "Last sequence number verified (0 for an empty trail)" }),
      count: z.number().int(),
      lastHash: z.string(),
      ...keyingShape,
    }),
    z.object({
      intact: z.literal(false),
      brokenAtSeq: z.number().int().meta({ description: "First sequence number where the chain breaks" }),
      problem: z.enum(CHAIN_PROBLEMS).meta({
        description:
          "`sequence_gap`: an event is missing; `link_mismatch`: an event does not name the one before it; `hash_mismatch`: an event was changed; `rehashed_without_key`: a keyed event was changed and re-hashed without the key; `not_keyed`: the event where the chain is keyed from is not the `audit.chain_keyed` event of its key; `truncated`: the chain ends before the event it is keyed from; `checkpoint_mismatch`: the chain links up, but no longer matches a checkpoint kept or published off the box",
      }),
      intactThroughSeq: z.number().int().meta({ description: "Last sequence number that still verifies: brokenAtSeq − 1" }),
      ...keyingShape,
    }),
  ])
  .meta({ id: "AuditVerification" });

export type AuditVerification = z.infer<typeof auditVerificationSchema>;
