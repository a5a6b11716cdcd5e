import * as z from "zod/mini";

/**
 * The primary's self-fencing lease. The agent of a primary asks for it every
 * interval; while it is refused, or while neither the control plane nor a
 * majority of its witnesses renewed it for a whole period, the agent makes
 * its replica read-only by itself. The control plane grants it only to the
 * replica that should be primary now, and the automation promotes no other
 * replica before the period (plus a margin) has passed since the last grant.
 */

export const primaryLeaseRequestSchema = z
  .strictObject({
    /** What the agent just saw of its local server. */
    role: z.enum(["primary", "standby"]),
    /** Whether new transactions on it are read-only (default_transaction_read_only). */
    readOnly: z.boolean(),
    /**
     * When the agent made its server read-only by itself (its lease lapsed or
     * was refused), while that fence is in place; null otherwise. The control
     * plane audits each change, since only the agent knows of it.
     */
    selfFencedAt: z._default(z.nullable(z.iso.datetime()), null),
  })
  .register(z.globalRegistry, { id: "PrimaryLeaseRequest" });

export const primaryLeaseAnswerSchema = z
  .discriminatedUnion("granted", [
    z.strictObject({
      granted: z.literal(true),
      /** How long the lease lasts, counted by the agent from when it sent the request. */
      periodMs: z.int().check(z.gte(1)),
      /** The service's fencing epoch now. */
      epoch: z.int().check(z.gte(1)),
      /**
       * The witnesses whose vouches keep this lease while the control plane
       * is out of reach (WitnessRosterClaims), as a JWS signed with the
       * control plane's command key: the agent counts no one else.
       */
      witnessRoster: z.string().check(z.minLength(1), z.maxLength(32_768)),
    }),
    z.strictObject({
      granted: z.literal(false),
      /** Why, in a sentence: the agent fences its replica at once and logs it. */
      reason: z.string(),
      epoch: z.int().check(z.gte(1)),
    }),
  ])
  .register(z.globalRegistry, { id: "PrimaryLeaseAnswer" });

export type PrimaryLeaseRequest = z.infer<typeof primaryLeaseRequestSchema>;
export type PrimaryLeaseAnswer = z.infer<typeof primaryLeaseAnswerSchema>;
