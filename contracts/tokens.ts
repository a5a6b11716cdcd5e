import { z } from "zod";
import { TOKEN_SCOPES } from "@/core/access/token-scopes";
import { emailSchema } from "./users";

/** API tokens start with this, so that they are easy to spot in logs and secret scanners. */
export const API_TOKEN_PREFIX = "sy_";

/** Days a token lasts when its issuer names no expiry: every token expires. */
export const TOKEN_DEFAULT_DAYS = 30;
/** The longest a token may last, in days. */
export const TOKEN_MAX_DAYS = 90;

export const tokenScopeSchema = z.enum(TOKEN_SCOPES).meta({ id: "TokenScope" });

const scopesSchema = z
  .array(tokenScopeSchema, { error: `is required: choose at least one of ${TOKEN_SCOPES.join(", ")}` })
  .min(1, { error: `choose at least one of ${TOKEN_SCOPES.join(", ")}` })
  .refine((scopes) => new Set(scopes).size === scopes.length, { error: "must not repeat a scope" })
  .meta({
    description:
      "What the token may be used for: `read` (read-only), `operate`, `approve`, `audit`, `admin`, `metrics` (the Prometheus metrics and nothing else). It acts with the permissions its owner's roles grant at the time of each request that one of its scopes admits; every scope but `metrics` includes reading.",
  });

const expiresInDaysSchema = z
  .number()
  .int()
  .min(1)
  .max(TOKEN_MAX_DAYS, { error: `must be at most ${TOKEN_MAX_DAYS} days` })
  .default(TOKEN_DEFAULT_DAYS)
  .meta({ description: `Days until the token stops working: ${TOKEN_DEFAULT_DAYS} unless given, at most ${TOKEN_MAX_DAYS}` });

export const issueTokenRequestSchema = z
  .strictObject({
    email: emailSchema,
    password: z.string({ error: "is required" }).min(1, { error: "is required" }).max(200),
    name: z.string().trim().min(1).max(100).default("api"),
    scopes: scopesSchema,
    expiresInDays: expiresInDaysSchema,
  })
  .meta({ id: "IssueTokenRequest" });

export const createOwnTokenRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1, { error: "is required" }).max(100),
    scopes: scopesSchema,
    expiresInDays: expiresInDaysSchema,
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
    scopes: z.array(tokenScopeSchema),
    expiresAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiToken" });

export const issuedTokenSchema = apiTokenSchema
  .extend({ token: z.string().meta({ description: "The secret, shown once: send it as `Authorization: Bearer <token>`" }) })
  .meta({ id: "IssuedToken" });

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) }).meta({ id: "ApiTokenList" });

export const tokenIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type IssueTokenRequest = z.infer<typeof issueTokenRequestSchema>;
export type CreateOwnTokenRequest = z.infer<typeof createOwnTokenRequestSchema>;
export type ApiTokenView = z.infer<typeof apiTokenSchema>;
export type IssuedToken = z.infer<typeof issuedTokenSchema>;
