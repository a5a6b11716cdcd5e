import "server-only";
import { z } from "zod";

const settingsSchema = z.object({
  SWITCHYARD_RAW_RETENTION_HOURS: z.coerce.number().positive().default(48),
  SWITCHYARD_ROLLUP_RETENTION_DAYS: z.coerce.number().positive().default(30),
});

export interface JobSettings {
  rawRetentionMs: number;
  rollupRetentionMs: number;
}

export function jobSettings(env: NodeJS.ProcessEnv = process.env): JobSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue?.path[0])} ${issue?.message}`);
  }
  return {
    rawRetentionMs: parsed.data.SWITCHYARD_RAW_RETENTION_HOURS * 3_600_000,
    rollupRetentionMs: parsed.data.SWITCHYARD_ROLLUP_RETENTION_DAYS * 86_400_000,
  };
}
