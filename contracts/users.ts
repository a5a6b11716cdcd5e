import { z } from "zod";
import { ROLES } from "@/core/access/permissions";
import { SCOPABLE_ROLES } from "@/core/access/service-scopes";

export const roleSchema = z.enum(ROLES).meta({ id: "Role" });

// The HTML form pattern, which (unlike zod's default) accepts hosts without a
// dot, such as the first admin's admin@localhost.
export const emailSchema = z
  .string({ error: "is required" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ pattern: z.regexes.html5Email, error: "must be an email address" }).max(254));

export const passwordSchema = z
  .string({ error: "is required" })
  .min(12, { error: "must be at least 12 characters" })
  .max(200, { error: "must be at most 200 characters" });

const rolesSchema = z
  .array(roleSchema)
  .min(1, { error: "must name at least one role" })
  .refine((roles) => new Set(roles).size === roles.length, { error: "must not repeat a role" });

export const serviceScopesSchema = z
  .partialRecord(
    z.enum(SCOPABLE_ROLES),
    z
      .array(z.string().trim().min(1).max(64))
      .min(1, { error: "name at least one service, or leave the role out to hold it fleet-wide" })
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, { error: "must not repeat a service" }),
  )
  .meta({
    id: "ServiceScopes",
    description:
      "Roles limited to services: `{ \"operator\": [\"orders-db\"] }` makes the operator role act only on orders-db's runs, alerts and automation (never on the fleet as a whole). A role left out holds fleet-wide. Only operator and approver can be limited; every role still reads the whole fleet.",
  });

const grantReasonSchema = z
  .string()
  .trim()
  .min(3, { error: "say why, in at least 3 characters" })
  .max(2000)
  .optional()
  .meta({ description: "Why: recorded with the grant of approver or admin the request asks for, which the second admin reads" });

export const createUserRequestSchema = z
  .strictObject({
    email: emailSchema,
    password: passwordSchema,
    name: z.string().trim().min(1).max(120).optional(),
    roles: rolesSchema,
    serviceScopes: serviceScopesSchema.optional(),
    reason: grantReasonSchema,
  })
  .meta({ id: "CreateUserRequest" });

export const updateUserRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    roles: rolesSchema.optional(),
    serviceScopes: serviceScopesSchema.optional().meta({ description: "Replaces the user's limits as a whole; `{}` makes every role fleet-wide" }),
    disabled: z.boolean().optional(),
    reason: grantReasonSchema,
  })
  .refine((body) => body.name !== undefined || body.roles !== undefined || body.serviceScopes !== undefined || body.disabled !== undefined, {
    error: "name at least one of name, roles, serviceScopes, disabled",
  })
  .meta({ id: "UpdateUserRequest" });

export const ROLE_GRANT_STATUSES = ["pending", "applied", "rejected", "expired"] as const;

export const roleGrantSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    user: z.string().meta({ description: "The grantee's email" }),
    roles: z.array(roleSchema).meta({ description: "The approver or admin roles granted" }),
    serviceScopes: serviceScopesSchema.meta({ description: "The services a granted role is limited to; a granted role not named holds fleet-wide" }),
    status: z.enum(ROLE_GRANT_STATUSES).meta({ description: "A pending grant past its deadline reads as expired" }),
    reason: z.string().nullable(),
    requester: z.string().nullable().meta({ description: "Who asked for it; null when granted from the host" }),
    decider: z.string().nullable(),
    issuer: z.string().nullable().meta({ description: "The identity provider whose single sign-on claims gave the roles; null when admins or the host granted them" }),
    decisionNote: z.string().nullable(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "RoleGrant" });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    roles: z.array(roleSchema),
    serviceScopes: serviceScopesSchema,
    disabled: z.boolean(),
    createdAt: z.iso.datetime(),
    lastSignInAt: z.iso.datetime().nullable(),
    pendingGrants: z
      .array(roleGrantSchema)
      .meta({ description: "Approver or admin asked for and waiting for a second admin's approval; not in `roles` until approved" }),
  })
  .meta({ id: "User" });

export const roleGrantListSchema = z.object({ grants: z.array(roleGrantSchema).meta({ description: "Newest first" }) }).meta({ id: "RoleGrantList" });

export const roleGrantListQuerySchema = z.object({
  status: z.enum(ROLE_GRANT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const roleGrantIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const approveRoleGrantSchema = z.strictObject({ note: z.string().trim().max(2000).optional() }).meta({ id: "ApproveRoleGrant" });
export const rejectRoleGrantSchema = z
  .strictObject({ reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(2000) })
  .meta({ id: "RejectRoleGrant" });

export const changePasswordRequestSchema = z
  .strictObject({
    currentPassword: z.string({ error: "is required" }).min(1, { error: "is required" }).max(200),
    newPassword: passwordSchema,
  })
  .refine((body) => body.currentPassword !== body.newPassword, { error: "must differ from the current password", path: ["newPassword"] })
  .meta({ id: "ChangePasswordRequest" });

export const resetPasswordRequestSchema = z.strictObject({ newPassword: passwordSchema }).meta({ id: "ResetPasswordRequest" });

export const passwordChangedSchema = z
  .object({
    sessionsEnded: z.literal(true).meta({ description: "Every browser session of the user ended, this one included" }),
    tokensRevoked: z.int().meta({ description: "API tokens of the user that were in force and are revoked" }),
  })
  .meta({ id: "PasswordChanged" });

export const userListSchema = z.object({ users: z.array(userSchema) }).meta({ id: "UserList" });

export const userIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;
export type UserView = z.infer<typeof userSchema>;
export type RoleGrantView = z.infer<typeof roleGrantSchema>;
export type PasswordChanged = z.infer<typeof passwordChangedSchema>;
