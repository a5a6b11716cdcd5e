import "server-only";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { compare as bcryptCompare } from "@node-rs/bcrypt";
import { passwordSlots } from "./password-slots";

/**
 * Passwords are hashed with argon2id (OWASP's minimum: 19 MiB, 2 passes,
 * one lane) by a native library that runs on libuv's thread pool, never on
 * the event loop. Hashes written before it are bcrypt (`$2a$`/`$2b$`): they
 * still verify, and a successful sign-in replaces them (passwordNeedsRehash).
 *
 * Every character of a password counts. bcrypt reads only the first 72 bytes;
 * argon2id reads all of it, so a password stored since the switch cannot be
 * matched by its first 72 bytes alone. An old bcrypt hash of a longer
 * password can be checked only on those 72 bytes, once: the sign-in that
 * passes replaces it with an argon2id hash of the whole password.
 */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const BCRYPT_PREFIX = /^\$2[abxy]\$/;

// Compared against when the email is unknown, so that a wrong email takes as
// long to refuse as a wrong password and does not reveal who has an account.
let decoyHash: Promise<string> | null = null;
const decoy = () => (decoyHash ??= argon2Hash("switchyard-decoy-password", ARGON2ID));

export function hashPassword(password: string): Promise<string> {
  return passwordSlots.run(() => argon2Hash(password, ARGON2ID));
}

export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const stored = hash ?? (await decoy());
  return passwordSlots.run(() => (BCRYPT_PREFIX.test(stored) ? bcryptCompare(password, stored) : argon2Verify(stored, password)));
}

/** Whether a hash that just verified should be replaced by one with today's parameters. */
export function passwordNeedsRehash(hash: string): boolean {
  return !hash.startsWith(`$argon2id$v=19$m=${ARGON2ID.memoryCost},t=${ARGON2ID.timeCost},p=${ARGON2ID.parallelism}$`);
}
