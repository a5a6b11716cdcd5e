import "server-only";
import bcrypt from "bcryptjs";

const COST = 12;

// Compared against when the email is unknown, so that a wrong email takes as
// long to refuse as a wrong password and does not reveal who has an account.
const DECOY_HASH = bcrypt.hashSync("switchyard-decoy-password", COST);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  return bcrypt.compare(password, hash ?? DECOY_HASH);
}
