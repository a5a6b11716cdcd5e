import { randomBytes } from "node:crypto";
import { emailSchema, passwordSchema } from "@/contracts/users";
import { appendAuditEvent, SYSTEM_ACTOR } from "../audit/append-audit-event";
import { hashPassword } from "../auth/passwords";
import type { Db } from "../db/client";

export interface BootstrappedAdmin {
  email: string;
  /** Set only when it was generated here; it is shown once and stored nowhere. */
  generatedPassword: string | null;
}

/**
 * On a store with no admin, creates one: SWITCHYARD_ADMIN_EMAIL and
 * SWITCHYARD_ADMIN_PASSWORD when set, otherwise admin@localhost with a random
 * password. Returns null when an admin already exists.
 */
export async function bootstrapAdmin(
  client: Db,
  env: { SWITCHYARD_ADMIN_EMAIL?: string; SWITCHYARD_ADMIN_PASSWORD?: string } = {
    SWITCHYARD_ADMIN_EMAIL: process.env.SWITCHYARD_ADMIN_EMAIL,
    SWITCHYARD_ADMIN_PASSWORD: process.env.SWITCHYARD_ADMIN_PASSWORD,
  },
): Promise<BootstrappedAdmin | null> {
  const email = emailSchema.parse(env.SWITCHYARD_ADMIN_EMAIL ?? "admin@localhost");
  const configured = env.SWITCHYARD_ADMIN_PASSWORD;
  if (configured !== undefined) {
    const check = passwordSchema.safeParse(configured);
    if (!check.success) throw new Error(`SWITCHYARD_ADMIN_PASSWORD ${check.error.issues[0]?.message}`);
  }
  const password = configured ?? randomBytes(15).toString("base64url");
  const passwordHash = await hashPassword(password);

  return client.$transaction(async (tx) => {
    const admins = await tx.user.count({ where: { roles: { has: "admin" }, disabled: false } });
    if (admins > 0) return null;
    const existing = await tx.user.findUnique({ where: { email } });
    // A single sign-on account named here becomes a local one: this is the
    // way back in when no admin can sign in through the identity provider.
    const user = existing
      ? await tx.user.update({
          where: { email },
          data: { roles: [...new Set([...existing.roles, "admin" as const])], disabled: false, passwordHash, oidcIssuer: null, oidcSubject: null },
        })
      : await tx.user.create({ data: { email, name: "Administrator", passwordHash, roles: ["admin"] } });
    await appendAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "admin.bootstrap",
      target: { type: "user", id: user.id },
      reason: "no active admin in the store",
      before: existing ? { email: existing.email, roles: existing.roles, disabled: existing.disabled } : null,
      after: { email: user.email, roles: user.roles, disabled: user.disabled },
    });
    return { email, generatedPassword: configured === undefined ? password : null };
  });
}
