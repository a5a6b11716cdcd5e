import "server-only";
import { z } from "zod";
import { agentCommandKindSchema } from "@/contracts/agent-commands";
import { gateHookSchema } from "@/contracts/hooks";
import { runbookDefinitionSchema, type RunbookDefinition } from "@/contracts/runbooks";
import { runSchema } from "@/contracts/runs";
import type { RunContext } from "@/core/runbooks/run-context";

/**
 * A run's JSON columns as the engine wrote them, parsed rather than cast: a
 * row that does not match (a hand edit, a migration gone wrong) stops the
 * run's moves with the field to blame instead of acting on a guess.
 */

const compensationSchema = z.object({ stepId: z.string(), command: agentCommandKindSchema, args: z.record(z.string(), z.unknown()), replicaIds: z.array(z.string()) });

/** Older rows may lack a field (they are filled with the empty context's value). */
export const storedRunContextSchema = z.object({
  primaryId: z.string().nullable().default(null),
  targetId: z.string().nullable().default(null),
  otherIds: z.array(z.string()).default([]),
  fencedLsn: z.string().nullable().default(null),
  compensations: z.array(compensationSchema).default([]),
  gates: z
    .object({ "pre-failover": gateHookSchema.nullable().default(null), "post-failover": gateHookSchema.nullable().default(null) })
    .default({ "pre-failover": null, "post-failover": null }),
  confirmedInAdvance: z.string().nullable().default(null),
  schedule: z.object({ by: z.string(), scheduledAt: z.string() }).optional(),
  /** Set when the run switches to compensating: how it ends once its undos have run. */
  outcome: z.enum(["failed", "aborted"]).optional(),
}) satisfies z.ZodType<RunContext & { outcome?: "failed" | "aborted" }>;

export type StoredRunContext = z.infer<typeof storedRunContextSchema>;

export const runContextOf = (value: unknown): StoredRunContext => storedRunContextSchema.parse(value ?? {});
export const runParamsOf = (value: unknown): Record<string, string> => runSchema.shape.params.parse(value);
export const runDefinitionOf = (value: unknown): RunbookDefinition => runbookDefinitionSchema.parse(value);
