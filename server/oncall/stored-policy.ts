import "server-only";
import { z } from "zod";
import type { EscalationPolicy } from "@/core/oncall/escalation";
import type { EscalationPolicy as PolicyRow } from "../db/generated/client";

/** A policy's levels as stored: people by user id (the API takes emails), schedules by id. */
const storedLevelsSchema = z.array(
  z.object({
    timeoutMinutes: z.int(),
    targets: z.array(z.discriminatedUnion("type", [z.object({ type: z.literal("user"), userId: z.string() }), z.object({ type: z.literal("schedule"), scheduleId: z.string() })])),
  }),
);

export type StoredLevels = z.infer<typeof storedLevelsSchema>;

/** The stored policy as the core reads it. */
export function policyOf(row: Pick<PolicyRow, "id" | "name" | "levels">): EscalationPolicy {
  return { id: row.id, name: row.name, levels: storedLevelsSchema.parse(row.levels) };
}

/** The schedules a policy names. */
export const schedulesOf = (policy: EscalationPolicy) =>
  new Set(policy.levels.flatMap((level) => level.targets.flatMap((target) => (target.type === "schedule" ? [target.scheduleId] : []))));
