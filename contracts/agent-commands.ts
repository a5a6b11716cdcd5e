import * as z from "zod/mini";

/**
 * Commands the control plane sends an agent to act on its replica. The agent
 * fetches them by long-poll and executes one only if it is signed by the
 * control plane (EdDSA/Ed25519 compact JWS), unexpired, addressed to it, not
 * seen before, and stamped with an epoch no older than the newest it has seen.
 * Secrets never travel in commands (they are stored and audited): an agent
 * takes credentials from its own config.
 */

export const AGENT_COMMAND_KINDS = ["fence", "unfence", "promote", "repoint", "rewind", "checkpoint", "verify-write", "sync-standbys", "script"] as const;
export const agentCommandKindSchema = z.enum(AGENT_COMMAND_KINDS).register(z.globalRegistry, { id: "AgentCommandKind" });
export type AgentCommandKind = z.infer<typeof agentCommandKindSchema>;

/**
 * What a rejoin does with a former primary (or a replica) holding
 * transactions the primary it must follow lacks: refuse it, or rebuild it
 * from the primary after dumping its data aside. It is the service policy's
 * choice (failover.errantTransactions), sent in the signed rewind and
 * repoint commands, so no agent config can decide it.
 */
export const ERRANT_TRANSACTIONS = ["refuse", "rebuild"] as const;
export const errantTransactionsSchema = z.enum(ERRANT_TRANSACTIONS);
export type ErrantTransactions = z.infer<typeof errantTransactionsSchema>;

const upstream = z.strictObject({
  host: z.string().check(z.minLength(1), z.maxLength(255)),
  port: z.int().check(z.gte(1), z.lte(65_535)),
  slotName: z.nullable(z.string().check(z.regex(/^[a-z0-9_]{1,63}$/))),
  /**
   * The service's policy (failover.errantTransactions): what to do when the
   * replica holds transactions that primary lacks. Signed with the rest, so
   * governance decides it and no agent config can; absent (a control plane
   * that predates it), refuse.
   */
  errantTransactions: z._default(errantTransactionsSchema, "refuse"),
});

export const COMMAND_ARGS = {
  /** Make the replica refuse writes (default_transaction_read_only) and end client sessions, then report the final WAL position. */
  fence: z.strictObject({ terminateSessions: z._default(z.boolean(), true) }),
  /** Undo a fence. */
  unfence: z.strictObject({}),
  /** Promote a standby (pg_promote, waiting up to waitSeconds). */
  promote: z.strictObject({ waitSeconds: z._default(z.int().check(z.gte(1), z.lte(300)), 60) }),
  /** Follow another primary: primary_conninfo (credentials from the agent's config) and slot, then reload. */
  repoint: upstream,
  /**
   * Make a former primary a standby of the primary at host:port: its history
   * since the split is discarded (pg_rewind when the agent has a matching
   * binary, otherwise a fresh base backup over the replication protocol; the
   * old data folder is kept aside), then it streams on the new timeline.
   */
  rewind: upstream,
  /** CHECKPOINT, reporting the WAL position after it. */
  checkpoint: z.strictObject({}),
  /** Try one write the way a client would (default transaction mode) and say whether it was accepted. */
  "verify-write": z.strictObject({ expect: z.enum(["accepted", "refused"]) }),
  /**
   * On a primary: make the first of these standbys that streams from it now
   * the synchronous one (the others next in line); none streaming clears it.
   */
  "sync-standbys": z.strictObject({
    names: z.array(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,63}$/, { error: "must be an application_name of letters, digits, '_', '.' or '-'" }))).check(z.maxLength(16)),
  }),
  /**
   * Run a script the agent's own config allowlists under this name (the
   * control plane names it, never ships it), with these arguments as an argv
   * array (no shell), killed after timeoutSeconds.
   */
  script: z.strictObject({
    name: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,62}$/)),
    argv: z.array(z.string().check(z.maxLength(1024), z.refine((arg) => !/[\u0000-\u001f]/.test(arg), "must not contain control characters"))).check(z.maxLength(32)),
    timeoutSeconds: z._default(z.int().check(z.gte(1), z.lte(3600)), 60),
  }),
} as const satisfies Record<AgentCommandKind, z.ZodMiniType>;

export type AgentCommandArgs<K extends AgentCommandKind> = z.output<(typeof COMMAND_ARGS)[K]>;

/** How much of a script's stdout and of its stderr the agent keeps (bytes each). */
export const SCRIPT_OUTPUT_LIMIT = 8192;

const lsn = z.string().check(z.regex(/^\d{1,20}$/, { error: "must be a WAL byte position as a decimal string" }));

/** What an executed command reports back, by kind. */
export const COMMAND_OUTPUTS = {
  /** `finalGtid`: a MariaDB primary's final GTID position, of which `finalLsn` is the domain's sequence number. */
  fence: z.strictObject({ finalLsn: lsn, terminatedSessions: z.int().check(z.gte(0)), finalGtid: z.optional(z.string()) }),
  unfence: z.strictObject({}),
  /** timeline is null for an engine without timelines (MariaDB); `gtid` is what a MariaDB replica had received and applied when it stopped replicating. */
  promote: z.strictObject({ timeline: z.nullable(z.int()), lsn, gtid: z.optional(z.strictObject({ received: z.string(), applied: z.string() })) }),
  repoint: z.strictObject({
    primaryHost: z.string(),
    primaryPort: z.int(),
    slotName: z.nullable(z.string()),
    /** Set when the standby had gone past the new primary's fork and was rebuilt from it, as `rewind` does. */
    rebuilt: z._default(z.nullable(z.strictObject({ method: z.enum(["pg_rewind", "base-backup", "following", "logical-copy"]), reason: z.string() })), null),
  }),
  rewind: z.strictObject({
    /**
     * `following` when the replica already streamed from that primary on its
     * timeline (or, MariaDB, its GTIDs are all in the primary's history):
     * nothing was discarded. `logical-copy`: a MariaDB replica reloaded from
     * a dump of the primary.
     */
    method: z.enum(["pg_rewind", "base-backup", "following", "logical-copy"]),
    /** Null for an engine without timelines (MariaDB). */
    timeline: z.nullable(z.int()),
    /** What was copied from the primary; null when pg_rewind did not say. */
    bytes: z.nullable(z.int().check(z.gte(0))),
    durationMs: z.int().check(z.gte(0)),
    /** Where the discarded data folder was kept, for whoever must look at writes made after the split. */
    formerDataKeptAt: z.nullable(z.string()),
    /** Anything the operator should know, e.g. that pg_rewind failed and a base backup was taken instead. */
    note: z.nullable(z.string()),
  }),
  checkpoint: z.strictObject({ lsn }),
  "verify-write": z.strictObject({ accepted: z.boolean(), error: z.nullable(z.string()) }),
  "sync-standbys": z.strictObject({ synchronousStandbyNames: z.string(), streaming: z.array(z.string()) }),
  /** stdout and stderr are cut to their first SCRIPT_OUTPUT_LIMIT bytes. */
  script: z.strictObject({
    exitCode: z.nullable(z.int()),
    signal: z.nullable(z.string()),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
    durationMs: z.int().check(z.gte(0)),
  }),
} as const satisfies Record<AgentCommandKind, z.ZodMiniType>;

/** The signed payload (JWT claims) of a command. */
export const agentCommandClaimsSchema = z
  .object({
    iss: z.literal("switchyard"),
    /** The agent's name: a command for one agent is useless to another. */
    aud: z.string(),
    /** The command's id; an agent executes each id at most once. */
    jti: z.string(),
    iat: z.number(),
    exp: z.number(),
    kind: agentCommandKindSchema,
    args: z.record(z.string(), z.unknown()),
    serviceId: z.string(),
    replica: z.string(),
    /** The service's fencing epoch when the command was issued. */
    epoch: z.int().check(z.gte(1)),
  })
  .register(z.globalRegistry, { id: "AgentCommandClaims" });

export type AgentCommandClaims = z.infer<typeof agentCommandClaimsSchema>;

export const pendingCommandsSchema = z
  .object({
    commands: z.array(z.object({ id: z.string(), token: z.string().register(z.globalRegistry, { description: "Compact JWS (EdDSA) of the claims, its header's kid naming the key that signed it" }) })),
    keyStatements: z
      ._default(z.array(z.string()), [])
      .register(z.globalRegistry, { description: "Command-key statements newer than the keyGeneration the agent sent, oldest first (contracts/command-keys.ts); none when it sent none" }),
    reportNow: z
      ._default(z.boolean(), false)
      .register(z.globalRegistry, { description: "A run step waits on what this agent reports: it should probe and report now rather than at its next interval, then poll again at once" }),
  })
  .register(z.globalRegistry, { id: "PendingAgentCommands" });

export const pollCommandsQuerySchema = z.object({
  waitSeconds: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(30)), 25),
  keyGeneration: z
    .optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(2_147_483_647)))
    .register(z.globalRegistry, { description: "The newest command-key statement the agent holds (0 for none): newer ones come with the answer, and a rotation counts this agent as confirmed once it reaches the rotation's statement" }),
});

export const commandResultSchema = z
  .strictObject({
    status: z.enum(["succeeded", "failed", "refused"]),
    /** The kind's output (COMMAND_OUTPUTS) when it succeeded. */
    output: z.nullable(z.record(z.string(), z.unknown())),
    /** Why it failed or was refused, in a sentence. */
    error: z.nullable(z.string().check(z.maxLength(2000))),
    /** The newest epoch the agent had seen when it answered. */
    agentEpoch: z.int().check(z.gte(0)),
  })
  .register(z.globalRegistry, { id: "AgentCommandResult" });

export type CommandResult = z.infer<typeof commandResultSchema>;

export const commandIdParamsSchema = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
