import { z } from "zod";
import { agentHealthEndpointSchema } from "./agent-reports";

export const agentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    replicaId: z.string(),
    replicaName: z.string(),
    serviceId: z.string(),
    regionId: z.string(),
    tokenPrefix: z.string(),
    version: z.string().nullable(),
    lastHeartbeatAt: z.iso.datetime().nullable(),
    lastSeq: z.number().int(),
    clockSkewMs: z.number().int().nullable(),
    droppedReports: z.number().int(),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
    witnessKey: z
      .string()
      .nullable()
      .meta({ description: "The public key its witness vouches must be signed with (bound by its first report batch; unbound by a token rotation)" }),
    witnessKeyAt: z.iso.datetime().nullable(),
    refusedWitnessKey: z
      .string()
      .nullable()
      .meta({ description: "The latest different key the agent offered and that was refused (the first refusal under a token is audited): rotate its token to let it bind one again" }),
    health: z
      .nullable(agentHealthEndpointSchema)
      .meta({ description: "Where it serves its health endpoints for load balancers, as its replica's latest report says (null: none served, or not reported yet)" }),
  })
  .meta({ id: "Agent" });

export const agentListSchema = z.object({ agents: z.array(agentSchema) }).meta({ id: "AgentList" });

export const registerAgentRequestSchema = z
  .strictObject({
    replicaId: z.string().min(1).max(64),
    name: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, { error: "must be 2–63 lower-case letters, digits or dashes" }),
  })
  .meta({ id: "RegisterAgentRequest" });

export const issuedAgentTokenSchema = z
  .object({
    agent: agentSchema,
    token: z.string().meta({ description: "The agent's secret, shown once: put it in the agent's config" }),
  })
  .meta({ id: "IssuedAgentToken" });

export const agentIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type AgentView = z.infer<typeof agentSchema>;
export type RegisterAgentRequest = z.infer<typeof registerAgentRequestSchema>;
