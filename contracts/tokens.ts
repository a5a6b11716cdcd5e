import { z } from "zod";
import { emailSchema } from "./users";

/** API tokens start with this, so that they are easy to spot in logs and secret scanners. */
export const API_TOKEN_PREFIX = "sy_";

export const issueTokenRequestSchema = z
  .strictObject({
    email: emailSchema,
    password: z.string({ error: "is required" }).min(1, { error: "is required" }).max(200),
    name: z.string().trim().min(1).max(100).default("api"),
    expiresInDays: z.number().int().min(1).max(365).optional(),
  })
  .meta({ id: "IssueTokenRequest" });

export const createOwnTokenRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1, { error: "is required" }).max(100),
    expiresInDays: z.number().int().min(1).max(365).optional(),
  })
  .meta({ id: "CreateOwnTokenRequest" });

export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: "The token's first characters, for recognising it" }),
    userId: z.string(),
    userEmail: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiToken" });

export const issuedTokenSchema = apiTokenSchema
  .extend({ token: z.string().meta({ description: "The secret, shown once: send it as `Authorization: Bearer <token>`" }) })
  .meta({ id: "IssuedToken" });

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) }).meta({ id: "ApiTokenList" });

export const tokenIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type IssueTokenRequest = z.infer<typeof issueTokenRequestSchema>;
export type ApiTokenView = z.infer<typeof apiTokenSchema>;
export type IssuedToken = z.infer<typeof issuedTokenSchema>;
