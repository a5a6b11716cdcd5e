import "server-only";
import { z } from "zod";
import { retentionPlan, type RetentionLevels, type RetentionPlan } from "@/core/fleet/retention-plan";
import { db } from "../db/client";

const settingsSchema = z.object({
  SWITCHYARD_RAW_RETENTION_HOURS: z.coerce.number().positive().optional(),
  SWITCHYARD_ROLLUP_RETENTION_DAYS: z.coerce.number().positive().optional(),
  SWITCHYARD_HOUR_ROLLUP_RETENTION_DAYS: z.coerce.number().positive().optional(),
});

/** The retention levels the operator set; unset ones follow the fleet's size (core/fleet/retention-plan.ts). */
export function retentionOverrides(env: NodeJS.ProcessEnv = process.env): Partial<RetentionLevels> {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue?.path[0])} ${issue?.message}`);
  }
  const { SWITCHYARD_RAW_RETENTION_HOURS: rawHours, SWITCHYARD_ROLLUP_RETENTION_DAYS: minuteDays, SWITCHYARD_HOUR_ROLLUP_RETENTION_DAYS: hourDays } = parsed.data;
  return {
    ...(rawHours === undefined ? {} : { rawMs: rawHours * 3_600_000 }),
    ...(minuteDays === undefined ? {} : { minuteRollupMs: minuteDays * 86_400_000 }),
    ...(hourDays === undefined ? {} : { hourRollupMs: hourDays * 86_400_000 }),
  };
}

/** The retention in force now: the fleet's replicas that are not retired decide the plan's row. */
export async function currentRetention(): Promise<RetentionPlan> {
  const replicas = await db().replica.count({ where: { retiredAt: null } });
  return retentionPlan(replicas, retentionOverrides());
}
