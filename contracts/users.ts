import { z } from "zod";
import { ROLES } from "@/core/access/permissions";

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

export const createUserRequestSchema = z
  .strictObject({
    email: emailSchema,
    password: passwordSchema,
    name: z.string().trim().min(1).max(120).optional(),
    roles: rolesSchema,
  })
  .meta({ id: "CreateUserRequest" });

export const updateUserRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    roles: rolesSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: "name at least one of name, roles, disabled" })
  .meta({ id: "UpdateUserRequest" });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    roles: z.array(roleSchema),
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
