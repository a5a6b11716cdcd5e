import * as z from "zod/mini";

/**
 * The control plane's command keys: Ed25519 key pairs whose private halves
 * sign agent commands and witness rosters. Each key's id is its fingerprint
 * (SHA-256 of the SPKI DER, colon-separated upper-case hex pairs), and every
 * signed token names the key that signed it in its JWS header's `kid`.
 *
 * Agents trust the key they pinned at enrollment and then follow signed key
 * statements: each lists the keys to trust from then on, carries a generation
 * one above the one before, and is signed by a key the agent trusted before.
 * A rotation is two statements: its start (signed by the current key:
 * trust current + next) and its completion (signed by the next key: trust
 * next only), or a cancellation (signed by the current key: trust current only).
 */

/** The JWS header `typ` of a key statement, so that no command or roster can pass for one, nor one for them. */
export const COMMAND_KEY_STATEMENT_TYPE = "switchyard-command-keys+jwt";

/** Most keys one statement may list: the current and the next. */
export const MAX_TRUSTED_COMMAND_KEYS = 2;

export const commandKeyIdSchema = z
  .string()
  .check(z.regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/, { error: "must be a key fingerprint: 32 colon-separated upper-case hex pairs" }))
  .register(z.globalRegistry, { id: "CommandKeyId", description: "A command key's id: SHA-256 of its SPKI DER as colon-separated upper-case hex pairs (its fingerprint)" });

export const commandKeyStatementClaimsSchema = z.object({
  iss: z.literal("switchyard"),
  iat: z.number(),
  /** One above the statement before it; an agent applies each generation at most once, in order. */
  generation: z.int().check(z.gte(1)),
  /** The keys to trust from now on (and no others). */
  keys: z.array(z.strictObject({ id: commandKeyIdSchema, publicKey: z.string().check(z.minLength(1), z.maxLength(1000)) })).check(z.minLength(1), z.maxLength(MAX_TRUSTED_COMMAND_KEYS)),
});

export type CommandKeyStatementClaims = z.infer<typeof commandKeyStatementClaimsSchema>;

export const commandKeyStateSchema = z.enum(["next", "current", "retired"]).register(z.globalRegistry, { id: "CommandKeyState" });

export const commandKeyViewSchema = z
  .object({
    id: commandKeyIdSchema,
    state: commandKeyStateSchema,
    publicKey: z.string().register(z.globalRegistry, { description: "SPKI PEM" }),
    createdAt: z.iso.datetime(),
    activatedAt: z.nullable(z.iso.datetime()),
    retiredAt: z.nullable(z.iso.datetime()),
  })
  .register(z.globalRegistry, { id: "CommandKeyView" });

export const commandKeyStatusSchema = z
  .object({
    current: commandKeyViewSchema,
    next: z.nullable(commandKeyViewSchema).register(z.globalRegistry, { description: "The key a rotation in progress distributes; null when none is" }),
    retired: z.array(commandKeyViewSchema).register(z.globalRegistry, { description: "Keys no longer trusted, newest first" }),
    generation: z.int().check(z.gte(0)).register(z.globalRegistry, { description: "The newest key statement's generation (0 before the first rotation)" }),
    agents: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          generation: z.nullable(z.int()).register(z.globalRegistry, { description: "The newest key statement the agent said it holds; null when it never said" }),
          confirmed: z
            .boolean()
            .register(z.globalRegistry, { description: "The agent's last poll said it holds the newest key statement (during a rotation: the one that started it), neither an older nor a newer one" }),
        }),
      )
      .register(z.globalRegistry, { description: "Active agents and which key statement each holds" }),
  })
  .register(z.globalRegistry, { id: "CommandKeyStatus" });

const reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(500)).register(z.globalRegistry, { description: "Why, for the audit trail" });

export const startKeyRotationRequestSchema = z.strictObject({ reason }).register(z.globalRegistry, { id: "StartKeyRotationRequest" });

export const completeKeyRotationRequestSchema = z
  .strictObject({
    reason,
    force: z
      ._default(z.boolean(), false)
      .register(z.globalRegistry, { description: "Complete although some active agents have not confirmed the next key (they refuse every command until enrolled again)" }),
  })
  .register(z.globalRegistry, { id: "CompleteKeyRotationRequest" });

export const cancelKeyRotationRequestSchema = z.strictObject({ reason }).register(z.globalRegistry, { id: "CancelKeyRotationRequest" });

export type CommandKeyView = z.infer<typeof commandKeyViewSchema>;
export type CommandKeyStatus = z.infer<typeof commandKeyStatusSchema>;
