import { execFileSync } from "node:child_process";
import os from "node:os";

export interface OsUser {
  uid: number;
  gid: number;
}

const POSTGRES_USER = "postgres";

function lookup(): OsUser | null {
  try {
    const uid = Number(execFileSync("id", ["-u", POSTGRES_USER], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", POSTGRES_USER], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/**
 * PostgreSQL refuses to run as root. When we are root, its processes run as
 * the `postgres` OS user, created here when the machine has none; otherwise
 * they run as us (null).
 */
export function postgresOsUser(): OsUser | null {
  if (os.userInfo().uid !== 0) return null;
  const existing = lookup();
  if (existing) return existing;
  execFileSync("useradd", ["--system", "--user-group", "--no-create-home", POSTGRES_USER], { stdio: "ignore" });
  const created = lookup();
  if (!created) throw new Error(`could not create the "${POSTGRES_USER}" OS user to run PostgreSQL as`);
  return created;
}

/** Throws with advice when `folder` cannot be reached by the user PostgreSQL runs as. */
export function assertReachable(folder: string, user: OsUser | null): void {
  if (!user) return;
  try {
    execFileSync("runuser", ["-u", POSTGRES_USER, "--", "test", "-x", folder], { stdio: "ignore" });
  } catch {
    throw new Error(
      `PostgreSQL runs as the "${POSTGRES_USER}" OS user, which cannot reach ${folder}. ` +
        `Set SWITCHYARD_DATA_DIR to a folder it can reach (e.g. under /var/tmp), or set DATABASE_URL.`,
    );
  }
}
