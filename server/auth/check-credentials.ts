import "server-only";
import type { Role } from "@/core/access/permissions";
import { db } from "../db/client";
import { DomainError, RateLimitedError } from "../errors";
import { PasswordSlots } from "./password-slots";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "./passwords";
import { recordSignInFailure, releaseSignInAttempt, reserveSignInAttempt, type SignInAction } from "./sign-in-throttle";

export interface VerifiedUser {
  id: string;
  email: string;
  name: string | null;
  roles: Role[];
}

const WRONG_CREDENTIALS = "Wrong email or password.";

interface CredentialCheck {
  email: string;
  password: string;
  ip: string | null;
  action: SignInAction;
  /** False when the caller replaces the password anyway, over the hash it was checked against. */
  rehash?: boolean;
}

/**
 * Checks an email and password for a sign-in or a token request. The attempt
 * is counted against the sign-in limits before the password is compared
 * (reserveSignInAttempt), so parallel guesses cannot outrun them; a failure
 * stays counted and is audited here (with `action`), a success gives its
 * reservation back, and the caller audits the success in the transaction
 * that acts on it. A disabled account is refused with the same message as a
 * wrong password. An old-style hash is replaced after a successful check.
 */
export function checkCredentials(input: CredentialCheck): Promise<VerifiedUser> {
  return signInSlots.run(() => checkCredentialsNow(input));
}

// Sign-ins are checked a few at a time: a burst of them then holds at most
// this many of the store's connections (the pages of people signed in keep
// theirs) and contends on the same counters only this much. Beyond the queue,
// 429 before anything is compared or written.
const signInSlots = new PasswordSlots(4, 64);

async function checkCredentialsNow(input: CredentialCheck): Promise<VerifiedUser> {
  const { email, password, ip, action, rehash = true } = input;
  const reservation = await reserveSignInAttempt({ email, address: ip, action });

  let user: Awaited<ReturnType<typeof findUser>>;
  let passwordOk: boolean;
  try {
    user = await findUser(email);
    passwordOk = await verifyPassword(password, user?.passwordHash ?? null);
  } catch (error) {
    // Busy: the password was never compared, so the attempt does not count.
    if (error instanceof RateLimitedError) await releaseSignInAttempt(reservation, { succeeded: false });
    else await recordSignInFailure(reservation, { reason: "error", userId: null });
    throw error;
  }

  // A single sign-on account has no password: it is compared against the
  // decoy like an unknown email, and refused whatever the comparison says.
  if (!user || !user.passwordHash || !passwordOk || user.disabled) {
    const reason = !user ? "unknown_email" : !user.passwordHash ? "single_sign_on_account" : !passwordOk ? "wrong_password" : "account_disabled";
    await recordSignInFailure(reservation, { reason, userId: user?.id ?? null });
    throw new DomainError(401, "unauthenticated", WRONG_CREDENTIALS);
  }
  await releaseSignInAttempt(reservation, { succeeded: true });
  if (rehash && passwordNeedsRehash(user.passwordHash)) {
    // Only if the hash is still the one just checked: a password changed meanwhile wins.
    // Best effort: when hashing is busy, the next sign-in replaces it.
    const passwordHash = await hashPassword(password).catch((error: unknown) => {
      if (error instanceof RateLimitedError) return null;
      throw error;
    });
    if (passwordHash) await db().user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
  }
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
}

function findUser(email: string) {
  return db().user.findUnique({ where: { email } });
}
