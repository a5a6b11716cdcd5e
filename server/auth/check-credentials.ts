import "server-only";
import type { Role } from "@/core/access/permissions";
import type { AuditAction } from "@/contracts/audit";
import { recordAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import { DomainError, RateLimitedError } from "../errors";
import { verifyPassword } from "./passwords";
import { assertSignInAllowed, clearSignInFailures, recordSignInFailure } from "./sign-in-throttle";

export interface VerifiedUser {
  id: string;
  email: string;
  name: string | null;
  roles: Role[];
}

const WRONG_CREDENTIALS = "Wrong email or password.";

/**
 * Checks an email and password for a sign-in or a token request. Failures are
 * throttled and audited here (with `action`); the caller audits success in
 * the transaction that acts on it. A disabled account is refused with the
 * same message as a wrong password.
 */
export async function checkCredentials(input: {
  email: string;
  password: string;
  ip: string | null;
  action: Extract<AuditAction, "auth.sign_in" | "token.issue">;
}): Promise<VerifiedUser> {
  const { email, password, ip, action } = input;
  const refuse = async (reason: string, userId: string | null) => {
    await recordAuditEvent({
      actor: { type: "user", id: userId, label: email, ip },
      action,
      target: { type: "user", id: userId },
      outcome: "failure",
      reason,
      details: { email },
    });
  };

  try {
    await assertSignInAllowed(email, ip);
  } catch (error) {
    if (error instanceof RateLimitedError) await refuse("throttled", null);
    throw error;
  }

  const user = await db().user.findUnique({ where: { email } });
  // A single sign-on account has no password: it is compared against the
  // decoy like an unknown email, and refused whatever the comparison says.
  const passwordOk = (await verifyPassword(password, user?.passwordHash ?? null)) && Boolean(user?.passwordHash);
  if (!user || !passwordOk || user.disabled) {
    await recordSignInFailure(email, ip);
    await refuse(!user ? "unknown_email" : !user.passwordHash ? "single_sign_on_account" : !passwordOk ? "wrong_password" : "account_disabled", user?.id ?? null);
    throw new DomainError(401, "unauthenticated", WRONG_CREDENTIALS);
  }
  await clearSignInFailures(email);
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
}
