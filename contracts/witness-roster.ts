import { z } from "zod";

/**
 * The public half of an agent's witness key: a raw Ed25519 key, base64url
 * (RFC 8037's `x`). The agent makes the key pair itself and never sends the
 * private half anywhere.
 */
export const witnessKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, { error: "must be a raw Ed25519 public key, base64url (43 characters)" })
  .meta({ id: "WitnessKey" });

/** The JWS header `typ` of a roster, so that no other token the control plane signs can pass for one. */
export const WITNESS_ROSTER_TYPE = "switchyard-witness-roster+jwt";

/**
 * The witnesses whose vouches a primary's agent may count, as the control
 * plane lists them with each lease grant, signed with its command key: the
 * replicas of the service in other regions whose agents are active and have
 * bound a witness key, one entry per replica (so one vote per agent).
 */
export const witnessRosterClaimsSchema = z.object({
  /** The replica the roster is for: its agent refuses a roster made for another. */
  replica: z.string().min(1).max(128),
  serviceId: z.string().min(1).max(128),
  epoch: z.int().min(1),
  witnesses: z
    .array(
      z.strictObject({
        replica: z.string().min(1).max(128),
        regionId: z.string().min(1).max(128),
        agent: z.string().min(1).max(128),
        key: witnessKeySchema,
      }),
    )
    .max(64),
});

export type WitnessRosterClaims = z.infer<typeof witnessRosterClaimsSchema>;
export type RosterWitness = WitnessRosterClaims["witnesses"][number];
