import * as z from "zod/mini";

/**
 * The public half of an agent's witness key: a raw Ed25519 key, base64url
 * (RFC 8037's `x`). The agent makes the key pair itself and never sends the
 * private half anywhere.
 */
export const witnessKeySchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, { error: "must be a raw Ed25519 public key, base64url (43 characters)" }))
  .register(z.globalRegistry, { id: "WitnessKey" });

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
  replica: z.string().check(z.minLength(1), z.maxLength(128)),
  serviceId: z.string().check(z.minLength(1), z.maxLength(128)),
  epoch: z.int().check(z.gte(1)),
  witnesses: z
    .array(
      z.strictObject({
        replica: z.string().check(z.minLength(1), z.maxLength(128)),
        regionId: z.string().check(z.minLength(1), z.maxLength(128)),
        agent: z.string().check(z.minLength(1), z.maxLength(128)),
        key: witnessKeySchema,
      }),
    )
    .check(z.maxLength(64)),
});

export type WitnessRosterClaims = z.infer<typeof witnessRosterClaimsSchema>;
export type RosterWitness = WitnessRosterClaims["witnesses"][number];
