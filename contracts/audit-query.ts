import { z } from "zod";
import { filterProblem, normalizeSearchText, parseActionList, type AuditFilters } from "@/core/audit/audit-filters";
import { AUDIT_ACTIONS } from "./audit";

const utcInstant = (description: string) =>
  z.iso.datetime({ error: "must be an ISO 8601 UTC time such as 2026-11-26T08:00:00Z" }).optional().meta({ description });

/** The filters of `GET /api/v1/audit` and its export; every one is optional and they combine with AND. */
const filterShape = {
  from: utcInstant("Events recorded at or after this instant (UTC)"),
  to: utcInstant("Events recorded before this instant (UTC, exclusive)"),
  actor: z.string().trim().min(1).max(320).optional().meta({ description: "Who: an actor's label (a person's email, an agent's name, `alerting`…) or id" }),
  action: z
    .string()
    .transform((text, context) => {
      const parsed = parseActionList(text, AUDIT_ACTIONS);
      if (parsed.ok) return parsed.actions;
      context.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    })
    .optional()
    .meta({ description: "What: one action or several, comma-separated, e.g. `run.start,run.finish`" }),
  targetType: z.string().trim().min(1).max(64).optional().meta({ description: "Target kind, e.g. `user`, `replica`, `run`" }),
  targetId: z.string().trim().min(1).max(200).optional().meta({ description: "Target id (with targetType)" }),
  serviceId: z.string().trim().min(1).max(64).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  q: z
    .string()
    .max(200)
    .transform((text, context) => {
      const normalized = normalizeSearchText(text);
      if (normalized !== null) return normalized;
      context.addIssue({ code: "custom", message: "must contain a word to search for" });
      return z.NEVER;
    })
    .optional()
    .meta({ description: "Full-text search over reason, details, before and after: words (all must occur), `\"a phrase\"`, `-excluded`" }),
};

function refineFilters(filters: AuditFilters, context: z.RefinementCtx): void {
  const problem = filterProblem(filters);
  if (problem) context.addIssue({ code: "custom", path: [problem.field], message: problem.message });
}

export const auditListQuerySchema = z
  .object({
    ...filterShape,
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: "Keyset cursor: events with a seq below this (the previous page's `nextBefore`)" }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .superRefine(refineFilters);

export const auditExportQuerySchema = z
  .object({ format: z.enum(["csv", "jsonl"]).meta({ description: "`csv` (RFC 4180, a header row) or `jsonl` (one event per line)" }), ...filterShape })
  .superRefine(refineFilters);

export const auditSeqParamsSchema = z.object({
  seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).meta({ description: "The event's sequence number" }),
});

const jsonValue = z.unknown();

/**
 * One event exactly as hashed, plus its links. Anyone holding a run of
 * consecutive events and the chain key can recompute each hash (HMAC-SHA-256
 * of `prevHash` then the canonical JSON of every other field but `hash`;
 * plain SHA-256 before the `audit.chain_keyed` event) without the control plane.
 */
export const auditEventSchema = z
  .object({
    seq: z.number().int().meta({ description: "Position in the chain, gapless from 1" }),
    at: z.iso.datetime().meta({ description: "When (UTC, millisecond precision)" }),
    actorType: z.enum(["user", "agent", "system", "automation"]).meta({ description: "Who, by kind: a person, a regional agent, the control plane itself, or its automation" }),
    actorId: z.string().nullable().meta({ description: "Who: the user's or agent's id; null for the control plane" }),
    actorLabel: z.string().meta({ description: "Who, readable: email, agent name, or the component (`alerting`, `runbook engine`…)" }),
    sourceIp: z.string().nullable().meta({ description: "Where from: the client address of the request; null when no request caused it (agents and automation are identified by actorType/actorId)" }),
    action: z.string().meta({ description: "What was done, e.g. `user.update`, `run.step`" }),
    targetType: z.string().meta({ description: "What it was done to: the kind of target" }),
    targetId: z.string().nullable().meta({ description: "What it was done to: the target's id" }),
    serviceId: z.string().nullable(),
    outcome: z.enum(["success", "failure"]).meta({ description: "Whether it succeeded or was refused/failed" }),
    reason: z.string().nullable().meta({ description: "Why, as given by the actor" }),
    before: jsonValue.meta({ description: "The target's state before the change" }),
    after: jsonValue.meta({ description: "The target's state after the change" }),
    details: jsonValue,
    runId: z.string().nullable(),
    stepRunId: z.string().nullable(),
    policyVersionId: z.string().nullable().meta({ description: "The policy version a decision used" }),
    changeRequestId: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string().meta({
      description:
        "HMAC-SHA-256(chain key, prevHash + canonical JSON of the event), hex, from the `audit.chain_keyed` event on; SHA-256(prevHash + canonical JSON) before it. The key is kept outside the store",
    }),
  })
  .meta({ id: "AuditEvent" });

export const auditEventPageSchema = z
  .object({
    events: z.array(auditEventSchema).meta({ description: "Newest first" }),
    nextBefore: z.number().int().nullable().meta({ description: "Pass as `before` for the next (older) page; null on the last page" }),
  })
  .meta({ id: "AuditEventPage" });

const relatedEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.iso.datetime(),
    actorLabel: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    outcome: z.enum(["success", "failure"]),
    reason: z.string().nullable(),
  })
  .meta({ id: "RelatedAuditEvent" });

export const auditEventDetailSchema = z
  .object({
    event: auditEventSchema,
    diff: z
      .array(
        z.object({
          path: z.string().meta({ description: "`$` then `.key` / `[index]` steps" }),
          change: z.enum(["added", "removed", "changed"]),
          before: z.unknown().optional(),
          after: z.unknown().optional(),
        }),
      )
      .meta({ description: "Leaves that differ between before and after" }),
    policyVersion: z
      .object({ id: z.string(), policyId: z.string(), version: z.int(), createdAt: z.iso.datetime(), emergency: z.boolean(), changeRequestId: z.string().nullable() })
      .nullable(),
    run: z.object({ id: z.string(), runbookId: z.string(), serviceId: z.string(), mode: z.string(), status: z.string(), reason: z.string().nullable(), createdAt: z.iso.datetime() }).nullable(),
    step: z.object({ id: z.string(), stepId: z.string(), title: z.string(), kind: z.string(), phase: z.string(), state: z.string(), attempts: z.int() }).nullable(),
    related: z
      .object({
        run: z.array(relatedEventSchema).meta({ description: "Events of the same run, in order (the run's start, each step, its end)" }),
        changeRequest: z.array(relatedEventSchema).meta({ description: "Events of the same change request, in order (request, approvals, applied version)" }),
        target: z.array(relatedEventSchema).meta({ description: "The latest other events about the same target" }),
      })
      .meta({ description: "At most 100 events per list; the event itself is included in the run and change-request lists" }),
  })
  .meta({ id: "AuditEventDetail" });

export const auditCheckpointSchema = z
  .object({
    seq: z.number().int().meta({ description: "The head of the chain when the checkpoint was taken (for `GET /api/v1/audit/checkpoint`, the `audit.checkpoint` event that records the request)" }),
    hash: z.string().regex(/^[0-9a-f]{64}$/).meta({ description: "Its hash, which covers every event before it" }),
    count: z.number().int().meta({ description: "Events in the chain through seq" }),
    at: z.iso.datetime().meta({ description: "When that event was recorded (UTC)" }),
    keyedFromSeq: z.number().int().meta({ description: "Where the chain is keyed from" }),
    chainKeyId: z.string().meta({ description: "Id of the chain's key" }),
    keyId: z.string().meta({ description: "Id of the audit checkpoint key that signed it: `GET /api/v1/audit/checkpoint-key`" }),
    signature: z
      .string()
      .meta({ description: "Ed25519 signature (base64) of the canonical JSON of {seq, hash, count, at, keyedFromSeq, chainKeyId, keyId}, by the audit checkpoint key (not the command key)" }),
  })
  .meta({ id: "AuditCheckpoint" });

export const auditCheckpointKeySchema = z
  .object({
    algorithm: z.literal("Ed25519"),
    keyId: z.string().meta({ description: "16 hex digits of the SHA-256 of the key's SPKI DER; checkpoints name it" }),
    publicKey: z.string().meta({ description: "SPKI PEM" }),
    fingerprint: z.string().meta({ description: "SHA-256 of the SPKI DER, colon-separated hex pairs" }),
  })
  .meta({ id: "AuditCheckpointKey" });

export type AuditEventView = z.infer<typeof auditEventSchema>;
export type AuditEventPage = z.infer<typeof auditEventPageSchema>;
export type AuditEventDetail = z.infer<typeof auditEventDetailSchema>;
export type RelatedAuditEvent = z.infer<typeof relatedEventSchema>;
export type AuditCheckpointDocument = z.infer<typeof auditCheckpointSchema>;
export type AuditCheckpointKeyDocument = z.infer<typeof auditCheckpointKeySchema>;
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
