import "server-only";
import { z } from "zod";

const settingsSchema = z.object({
  SWITCHYARD_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  SWITCHYARD_APPROVAL_COOL_OFF_DAYS: z.coerce.number().min(0).max(365).default(7),
});

export interface AccountSettings {
  /** A browser session ends this long after sign-in, however active. */
  sessionLifetimeMs: number;
  /** How long an account its requester created, promoted or reset cannot approve that requester's changes. */
  coolOffMs: number;
}

export function accountSettings(env: NodeJS.ProcessEnv = process.env): AccountSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue?.path[0])} ${issue?.message}`);
  }
  return {
    sessionLifetimeMs: parsed.data.SWITCHYARD_SESSION_HOURS * 3_600_000,
    coolOffMs: parsed.data.SWITCHYARD_APPROVAL_COOL_OFF_DAYS * 86_400_000,
  };
}
