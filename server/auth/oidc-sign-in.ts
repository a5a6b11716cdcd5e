import "server-only";
import { z } from "zod";
import type { Role } from "@/core/access/permissions";
import { rolesFromClaims } from "@/core/access/oidc-role-mapping";
import type { OidcSettings } from "@/core/access/oidc-settings";
import { decideOidcSignIn, rolesToStore, type OidcIdentity, type OidcSignInFacts } from "@/core/access/oidc-sign-in";
import { isPrivileged } from "@/core/access/role-grants";
import { emailSchema } from "@/contracts/users";
import { appendAuditEvents, type AuditActor, type AuditEventInput } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";

export type OidcSignInResult = { ok: true; userId: string } | { ok: false; ruleId: string };

// Some providers send email_verified as a string.
const claimsSchema = z.object({
  iss: z.string(),
  sub: z.string().min(1).max(255),
  email: z.string().optional(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  name: z.string().max(120).optional(),
});

function identityOf(claims: Record<string, unknown>): OidcIdentity {
  const parsed = claimsSchema.parse(claims);
  const email = emailSchema.safeParse(parsed.email ?? "");
  return {
    issuer: parsed.iss,
    subject: parsed.sub,
    email: email.success ? email.data : null,
    emailVerified: parsed.email_verified === true || parsed.email_verified === "true",
    name: parsed.name?.trim() || null,
  };
}

const sameRoles = (a: readonly Role[], b: readonly Role[]) => a.length === b.length && a.every((role) => b.includes(role));

/**
 * Approver or admin that the provider's claims give an account which did not
 * hold it is the organisation's own grant and needs no second admin here; it
 * is recorded as an applied grant all the same (naming the issuer, with no
 * requester or decider), so that it raises the grant alert like any other.
 */
async function recordProviderGrant(tx: Tx, grant: { userId: string; before: readonly Role[]; after: readonly Role[]; issuer: string; now: Date }) {
  const gained = grant.after.filter((role) => isPrivileged(role) && !grant.before.includes(role));
  if (gained.length === 0) return;
  await tx.roleGrant.create({
    data: { userId: grant.userId, roles: gained, status: "applied", issuer: grant.issuer, reason: "the identity provider's claims at single sign-on", expiresAt: grant.now, decidedAt: grant.now },
  });
}

/**
 * Signs a person in from the claims of an ID token next-auth has already
 * validated: finds their account by issuer and subject (or links or creates
 * one by verified email), makes its roles the ones the claims map to, and
 * audits the sign-in with method "oidc", all in one transaction. A refused
 * sign-in still takes away the roles a bound account no longer has at the
 * provider.
 */
export async function signInWithOidc(settings: OidcSettings, claims: Record<string, unknown>, ip: string | null): Promise<OidcSignInResult> {
  const identity = identityOf(claims);
  const roles = rolesFromClaims(claims, settings.roleClaim, settings.roleMapping);
  const provider: AuditActor = { type: "system", id: null, label: `oidc ${identity.issuer}`, ip };
  const details = { method: "oidc", issuer: identity.issuer, subject: identity.subject, email: identity.email, claimedRoles: roles };

  return db().$transaction(async (tx) => {
    const bound = await tx.user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } } });
    const sameEmail = !bound && identity.email ? await tx.user.findUnique({ where: { email: identity.email } }) : null;
    const facts: OidcSignInFacts = { trustedIssuer: settings.issuer, identity, roles, bound, sameEmail };
    const rule = decideOidcSignIn(facts);
    const events: AuditEventInput[] = [];
    const now = new Date();
    const issuer = identity.issuer;

    const storedRoles = rolesToStore(facts);
    if (bound && storedRoles && !sameRoles(bound.roles, storedRoles)) {
      // A change of roles ends the account's other sessions; the one signing in now is stamped after it.
      await tx.user.update({ where: { id: bound.id }, data: { roles: [...storedRoles], sessionVersion: { increment: 1 } } });
      await recordProviderGrant(tx, { userId: bound.id, before: bound.roles, after: storedRoles, issuer, now });
      events.push({
        actor: provider,
        action: "user.update",
        target: { type: "user", id: bound.id },
        reason: "roles follow the identity provider's claims at each sign-in",
        before: { roles: bound.roles },
        after: { roles: storedRoles },
        details: { ...details, rule: rule.id },
      });
    }

    let userId: string | null = bound?.id ?? null;
    switch (rule.verdict.kind) {
      case "refuse":
        break;
      case "sign-in-bound":
        await tx.user.update({ where: { id: bound!.id }, data: { lastSignInAt: now, ...(identity.name ? { name: identity.name } : {}) } });
        break;
      case "link-local-account": {
        const local = sameEmail!;
        userId = local.id;
        await tx.user.update({
          where: { id: local.id },
          data: { oidcIssuer: identity.issuer, oidcSubject: identity.subject, passwordHash: null, roles: [...roles], lastSignInAt: now, sessionVersion: { increment: 1 } },
        });
        await recordProviderGrant(tx, { userId: local.id, before: local.roles, after: roles, issuer, now });
        events.push({
          actor: provider,
          action: "user.update",
          target: { type: "user", id: local.id },
          reason: rule.sentence,
          before: { roles: local.roles, signsInWith: "password" },
          after: { roles, signsInWith: "oidc" },
          details: { ...details, rule: rule.id },
        });
        break;
      }
      case "create-account": {
        const created = await tx.user.create({
          data: { email: identity.email!, name: identity.name, roles: [...roles], oidcIssuer: identity.issuer, oidcSubject: identity.subject, lastSignInAt: now },
        });
        userId = created.id;
        await recordProviderGrant(tx, { userId: created.id, before: [], after: roles, issuer, now });
        events.push({
          actor: provider,
          action: "user.create",
          target: { type: "user", id: created.id },
          reason: rule.sentence,
          after: { email: created.email, name: created.name, roles, signsInWith: "oidc" },
          details: { ...details, rule: rule.id },
        });
        break;
      }
    }

    const refused = rule.verdict.kind === "refuse";
    events.push({
      actor: { type: "user", id: userId, label: identity.email ?? `${identity.issuer}#${identity.subject}`, ip },
      action: "auth.sign_in",
      target: { type: "user", id: userId },
      outcome: refused ? "failure" : "success",
      reason: refused ? rule.id : null,
      details: { ...details, rule: rule.id },
    });
    await appendAuditEvents(tx, events);
    return refused || !userId ? { ok: false, ruleId: rule.id } : { ok: true, userId };
  });
}
