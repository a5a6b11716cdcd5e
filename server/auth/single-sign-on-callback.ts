import "server-only";
import type { Account, Profile, User } from "next-auth";
import { headers } from "next/headers";
import { OIDC_PROVIDER_ID } from "@/core/access/oidc-settings";
import { recordAuditEvent } from "../audit/append-audit-event";
import { clientIp } from "./actor";
import { breakGlassEvent } from "./break-glass";
import { oidcSettings } from "./oidc-config";
import { signInWithOidc } from "./oidc-sign-in";

/** Where a refused single sign-on lands: the sign-in page names the rule's message. */
export function oidcRefusedPath(ruleId: string): string {
  return `/signin?error=OidcRefused&rule=${encodeURIComponent(ruleId)}`;
}

// next-auth hands callbacks no request; inside the route handler Next.js
// still knows it. Outside one (a test driving next-auth's core) there is no
// address to record.
async function requestIp(): Promise<string | null> {
  try {
    return clientIp(await headers());
  } catch {
    return null;
  }
}

/**
 * next-auth's signIn callback for what single sign-on adds: the OIDC
 * provider's sign-ins, and an audit event for every password sign-in while
 * single sign-on is configured (local accounts are then break-glass only).
 * On success it hands the local account's id to the jwt callback through
 * `user.id`, where the provider's subject was.
 */
export async function singleSignOnSignIn({ user, account, profile }: { user: User; account: Account | null; profile?: Profile }): Promise<true | string> {
  const settings = oidcSettings();
  if (!settings || !account) return true;
  const ip = await requestIp();
  if (account.provider === OIDC_PROVIDER_ID) {
    const result = await signInWithOidc(settings, (profile ?? {}) as Record<string, unknown>, ip);
    if (!result.ok) return oidcRefusedPath(result.ruleId);
    user.id = result.userId;
    return true;
  }
  const breakGlass = account.type === "credentials" ? breakGlassEvent({ id: user.id, email: user.email ?? user.id }, ip, "sign-in") : null;
  if (breakGlass) await recordAuditEvent(breakGlass);
  return true;
}
