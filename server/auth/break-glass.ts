import "server-only";
import type { AuditEventInput } from "../audit/append-audit-event";
import { oidcSettings } from "./oidc-config";

/**
 * The `auth.break_glass` audit event of a local password used while single
 * sign-on is configured, in the browser or for an API token: the provider's
 * controls (MFA, offboarding) did not apply to it, so every such use is
 * recorded and raises the break-glass-sign-in alert. Null when single
 * sign-on is off, where a password is the normal way in.
 */
export function breakGlassEvent(user: { id: string; email: string }, ip: string | null, via: "sign-in" | "api-token"): AuditEventInput | null {
  if (!oidcSettings()) return null;
  return {
    actor: { type: "user", id: user.id, label: user.email, ip },
    action: "auth.break_glass",
    target: { type: "user", id: user.id },
    reason: "a local account used its password while single sign-on is configured",
    details: { via },
  };
}
