import { z } from "zod";

/** Enrollment tokens start with this, so none can pass for an agent's (`sya_`) or a person's (`sy_`) token. */
export const ENROLLMENT_TOKEN_PREFIX = "sye_";

/** How long an enrollment token may live: an hour unless the admin says otherwise, a week at most. */
export const ENROLLMENT_TOKEN_LIFETIME = { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 7 * 86_400 } as const;

export const replicaIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const issueEnrollmentTokenRequestSchema = z
  .strictObject({
    expiresInSeconds: z
      .int()
      .min(ENROLLMENT_TOKEN_LIFETIME.minSeconds)
      .max(ENROLLMENT_TOKEN_LIFETIME.maxSeconds)
      .default(ENROLLMENT_TOKEN_LIFETIME.defaultSeconds)
      .meta({ description: "Seconds until the token expires (default 3600, at most 7 days)" }),
  })
  .meta({ id: "IssueEnrollmentTokenRequest" });

export const commandKeySchema = z
  .object({
    publicKey: z.string().meta({ description: "The control plane's command-signing key (Ed25519, SPKI PEM)" }),
    fingerprint: z.string().meta({ description: "SHA-256 of the key's SPKI DER as colon-separated hex pairs, for a person to compare with what the agent prints" }),
  })
  .meta({ id: "CommandKey" });

export const issuedEnrollmentTokenSchema = z
  .object({
    token: z.string().meta({ description: "The enrollment token, shown once: pass it to `switchyard-agent enroll --token`" }),
    prefix: z.string(),
    replicaId: z.string(),
    replicaName: z.string(),
    serviceId: z.string(),
    regionId: z.string(),
    engine: z.string().meta({ description: "The replica's engine: the agent's flag for its server follows it (--postgres or --mariadb)" }),
    databaseName: z.string(),
    expiresAt: z.iso.datetime(),
    commandKeyFingerprint: z.string(),
  })
  .meta({ id: "IssuedEnrollmentToken" });

export const enrollAgentRequestSchema = z
  .strictObject({
    replace: z
      .boolean()
      .default(false)
      .meta({ description: "Revoke the replica's active agent (if any) and take its place; without it such a replica is refused (409)" }),
    version: z.string().min(1).max(64).optional().meta({ description: "The enrolling agent's version" }),
  })
  .meta({ id: "EnrollAgentRequest" });

export const enrolledAgentSchema = z
  .object({
    agent: z.object({ id: z.string(), name: z.string(), replicaId: z.string(), replicaName: z.string(), serviceId: z.string(), regionId: z.string() }),
    token: z.string().meta({ description: "The agent's long-lived credential (`sya_…`), shown once" }),
    commandKey: commandKeySchema,
    replaced: z.string().nullable().meta({ description: "The name of the agent this enrollment revoked, if any" }),
  })
  .meta({ id: "EnrolledAgent" });

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
    revision: z.string().meta({ description: "Changes whenever anything else in this answer does" }),
    agentName: z.string(),
    replica: z.object({ name: z.string(), regionId: z.string(), engine: z.string(), host: z.string(), port: z.int(), database: z.string() }),
    peers: z.array(peerSchema).meta({ description: "The other replicas of the service, to witness" }),
    intervalMs: z.int().meta({ description: "Report interval: the policy's heartbeat interval" }),
    probeTimeoutMs: z.int(),
  })
  .meta({ id: "AgentRuntimeConfig" });

export type IssuedEnrollmentToken = z.infer<typeof issuedEnrollmentTokenSchema>;
export type EnrollAgentRequest = z.infer<typeof enrollAgentRequestSchema>;
export type EnrolledAgent = z.infer<typeof enrolledAgentSchema>;
export type AgentRuntimeConfig = z.infer<typeof agentRuntimeConfigSchema>;
export type CommandKey = z.infer<typeof commandKeySchema>;
