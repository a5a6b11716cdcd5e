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

export const createUserRequestSchema = z
  .strictObject({
    email: emailSchema,
    password: passwordSchema,
    name: z.string().trim().min(1).max(120).optional(),
    roles: rolesSchema,
    serviceScopes: serviceScopesSchema.optional(),
  })
  .meta({ id: "CreateUserRequest" });

export const updateUserRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    roles: rolesSchema.optional(),
    serviceScopes: serviceScopesSchema.optional().meta({ description: "Replaces the user's limits as a whole; `{}` makes every role fleet-wide" }),
    disabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: "name at least one of name, roles, serviceScopes, disabled" })
  .meta({ id: "UpdateUserRequest" });

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
  })
  .meta({ id: "User" });

export const userListSchema = z.object({ users: z.array(userSchema) }).meta({ id: "UserList" });

export const userIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;
export type UserView = z.infer<typeof userSchema>;
