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
  "alert.resolve",
  "auth.sign_in",
  "change_request.approve",
  "change_request.create",
  "change_request.rebase",
  "change_request.reject",
  "command_key.create",
  "command_key.rotation_cancel",
  "command_key.rotation_complete",
  "command_key.rotation_start",
  "audit.checkpoint",
  "audit.export",
  "audit.verify",
  "audit.view",
  "automation.acknowledge",
  "automation.pause",
  "automation.resume",
  "automation.decide",
  "automation.fence",
  "policy.apply",
  "policy.emergency_apply",
  "policy.emergency_review",
  "primary_lease.lapse",
  "primary_lease.refuse",
  "primary_lease.self_fence",
  "primary_lease.self_unfence",
  "replica.update",
  "residency.refuse",
  "run.abort",
  "run.approve",
  "run.confirm",
  "run.finish",
  "run.pause",
  "run.reject",
  "run.resume",
  "run.start",
  "run.step",
  "service.epoch",
  "service.route",
  "store.seed",
  "topology.apply",
  "topology.discover",
  "token.issue",
  "token.revoke",
  "user.create",
  "user.update",
] as const;

export const auditActionSchema = z.enum(AUDIT_ACTIONS).meta({ id: "AuditAction" });
export type AuditAction = z.infer<typeof auditActionSchema>;

const checkpointCheckSchema = z
  .object({
    seq: z.number().int(),
    expectedHash: z.string(),
    foundHash: z.string().nullable().meta({ description: "The hash stored at that seq now; null when the event is gone" }),
    matches: z.boolean(),
    reason: z.string().optional(),
  })
  .meta({ id: "AuditCheckpointCheck", description: "Present when the request named a checkpoint" });

export const auditVerifyQuerySchema = z
  .object({
    checkpointSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: "A checkpoint's `seq`, from `GET /api/v1/audit/checkpoint`" }),
    checkpointHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: "must be the checkpoint's hash: 64 lower-case hex digits" })
      .optional()
      .meta({ description: "The checkpoint's `hash`" }),
  })
  .refine((query) => (query.checkpointSeq === undefined) === (query.checkpointHash === undefined), {
    path: ["checkpointHash"],
    error: "give checkpointSeq and checkpointHash together",
  });

export const auditVerificationSchema = z
  .discriminatedUnion("intact", [
    z.object({
      intact: z.literal(true),
      throughSeq: z.number().int().meta({ description: "Last sequence number verified (0 for an empty trail)" }),
      count: z.number().int(),
      lastHash: z.string(),
      verifiedAt: z.iso.datetime(),
      checkpoint: checkpointCheckSchema.optional(),
    }),
    z.object({
      intact: z.literal(false),
      brokenAtSeq: z.number().int().meta({ description: "First sequence number where the chain breaks" }),
      problem: z.enum(["sequence_gap", "link_mismatch", "hash_mismatch", "checkpoint_mismatch"]).meta({
        description: "`checkpoint_mismatch`: the chain links up, but the event at the checkpoint's seq has another hash, so history at or before it was rewritten and re-hashed",
      }),
      intactThroughSeq: z.number().int().meta({ description: "Last sequence number proven intact (0 when a checkpoint mismatch proves nothing)" }),
      verifiedAt: z.iso.datetime(),
      checkpoint: checkpointCheckSchema.optional(),
    }),
  ])
  .meta({ id: "AuditVerification" });

export type AuditVerification = z.infer<typeof auditVerificationSchema>;
