import * as z from "zod/mini";

/** Enrollment tokens start with this, so none can pass for an agent's (`sya_`) or a person's (`sy_`) token. */
export const ENROLLMENT_TOKEN_PREFIX = "sye_";

/** How long an enrollment token may live: an hour unless the admin says otherwise, a week at most. */
export const ENROLLMENT_TOKEN_LIFETIME = { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 7 * 86_400 } as const;

export const replicaIdParamsSchema = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export const issueEnrollmentTokenRequestSchema = z
  .strictObject({
    expiresInSeconds: z
      ._default(z.int().check(z.gte(ENROLLMENT_TOKEN_LIFETIME.minSeconds), z.lte(ENROLLMENT_TOKEN_LIFETIME.maxSeconds)), ENROLLMENT_TOKEN_LIFETIME.defaultSeconds)
      .register(z.globalRegistry, { description: "Seconds until the token expires (default 3600, at most 7 days)" }),
  })
  .register(z.globalRegistry, { id: "IssueEnrollmentTokenRequest" });

export const commandKeySchema = z
  .object({
    publicKey: z.string().register(z.globalRegistry, { description: "The control plane's command-signing key (Ed25519, SPKI PEM)" }),
    fingerprint: z.string().register(z.globalRegistry, { description: "SHA-256 of the key's SPKI DER as colon-separated hex pairs, for a person to compare with what the agent prints" }),
  })
  .register(z.globalRegistry, { id: "CommandKey" });

export const issuedEnrollmentTokenSchema = z
  .object({
    token: z.string().register(z.globalRegistry, { description: "The enrollment token, shown once: pass it to `switchyard-agent enroll --token`" }),
    prefix: z.string(),
    replicaId: z.string(),
    replicaName: z.string(),
    serviceId: z.string(),
    regionId: z.string(),
    engine: z.string().register(z.globalRegistry, { description: "The replica's engine: the agent's flag for its server follows it (--postgres or --mariadb)" }),
    databaseName: z.string(),
    expiresAt: z.iso.datetime(),
    commandKeyFingerprint: z.string(),
  })
  .register(z.globalRegistry, { id: "IssuedEnrollmentToken" });

export const enrollAgentRequestSchema = z
  .strictObject({
    replace: z
      ._default(z.boolean(), false)
      .register(z.globalRegistry, { description: "Revoke the replica's active agent (if any) and take its place; without it such a replica is refused (409)" }),
    version: z.optional(z.string().check(z.minLength(1), z.maxLength(64))).register(z.globalRegistry, { description: "The enrolling agent's version" }),
  })
  .register(z.globalRegistry, { id: "EnrollAgentRequest" });

export const enrolledAgentSchema = z
  .object({
    agent: z.object({ id: z.string(), name: z.string(), replicaId: z.string(), replicaName: z.string(), serviceId: z.string(), regionId: z.string() }),
    token: z.string().register(z.globalRegistry, { description: "The agent's long-lived credential (`sya_…`), shown once" }),
    commandKey: commandKeySchema,
    replaced: z.nullable(z.string()).register(z.globalRegistry, { description: "The name of the agent this enrollment revoked, if any" }),
  })
  .register(z.globalRegistry, { id: "EnrolledAgent" });

const peerSchema = z.object({
  replica: z.string(),
  regionId: z.string(),
  host: z.string(),
  port: z.int(),
  database: z.string(),
});

/**
 * What the control plane decides of an agent's configuration. Never
 * credentials: the agent reaches its peers with its own monitoring role,
 * which physical replication copies to every replica.
 */
export const agentRuntimeConfigSchema = z
  .object({
    revision: z.string().register(z.globalRegistry, { description: "Changes whenever anything else in this answer does" }),
    agentName: z.string(),
    replica: z.object({ name: z.string(), regionId: z.string(), engine: z.string(), host: z.string(), port: z.int(), database: z.string() }),
    peers: z.array(peerSchema).register(z.globalRegistry, { description: "The other replicas of the service, to witness" }),
    intervalMs: z.int().register(z.globalRegistry, { description: "Report interval: the policy's heartbeat interval" }),
    probeTimeoutMs: z.int(),
  })
  .register(z.globalRegistry, { id: "AgentRuntimeConfig" });

export type IssuedEnrollmentToken = z.infer<typeof issuedEnrollmentTokenSchema>;
export type EnrollAgentRequest = z.infer<typeof enrollAgentRequestSchema>;
export type EnrolledAgent = z.infer<typeof enrolledAgentSchema>;
export type AgentRuntimeConfig = z.infer<typeof agentRuntimeConfigSchema>;
export type CommandKey = z.infer<typeof commandKeySchema>;
