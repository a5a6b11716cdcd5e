import { z } from "zod";

/**
 * A witness's vouch for a primary: a NOTIFY on the primary itself, sent by
 * the witness after a probe of it succeeded, which the primary's agent
 * LISTENs for. It arrives only if the witness's link to the primary worked,
 * which is exactly what it vouches for.
 */
export const VOUCH_CHANNEL = "switchyard_witness";

export interface Witness {
  replica: string;
  regionId: string;
}

const vouchSchema = z.strictObject({ replica: z.string().min(1).max(128), regionId: z.string().min(1).max(128) });

export function vouchPayload(witness: Witness): string {
  return JSON.stringify({ replica: witness.replica, regionId: witness.regionId });
}

/** The witness a notification names, or null for anything else on the channel. */
export function parseVouch(payload: string | undefined): Witness | null {
  try {
    const parsed = vouchSchema.safeParse(JSON.parse(payload ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
