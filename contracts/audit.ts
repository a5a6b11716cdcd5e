import { z } from "zod";

/** Every kind of state change the audit chain records. */
export const AUDIT_ACTIONS = [
  "admin.bootstrap",
  "agent.command_issue",
  "agent.command_result",
  "agent.register",
  "agent.revoke",
  "agent.token_rotate",
  "alert.acknowledge",
  "alert.fire",
  "alert.resolve",
  "auth.sign_in",
  "audit.verify",
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
  "token.issue",
  "token.revoke",
  "user.create",
  "user.update",
] as const;

export const auditActionSchema = z.enum(AUDIT_ACTIONS).meta({ id: "AuditAction" });
export type AuditAction = z.infer<typeof auditActionSchema>;

export const auditVerificationSchema = z
  .discriminatedUnion("intact", [
    z.object({
      intact: z.literal(true),
      throughSeq: z.number().int().meta({ description: "Last sequence number verified (0 for an empty trail)" }),
      count: z.number().int(),
      lastHash: z.string(),
      verifiedAt: z.iso.datetime(),
    }),
    z.object({
      intact: z.literal(false),
      brokenAtSeq: z.number().int().meta({ description: "First sequence number where the chain breaks" }),
      problem: z.enum(["sequence_gap", "link_mismatch", "hash_mismatch"]),
      intactThroughSeq: z.number().int(),
      verifiedAt: z.iso.datetime(),
    }),
  ])
  .meta({ id: "AuditVerification" });

export type AuditVerification = z.infer<typeof auditVerificationSchema>;
