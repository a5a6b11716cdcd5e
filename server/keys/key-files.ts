import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "../store/data-dir";

/**
 * Where the control plane's keys live: outside the store, so that whoever
 * can read the database (a backup, a replica, a leaked dump) cannot sign
 * commands, mint sessions or re-hash the audit trail. Copies of the control
 * plane on other machines are given the same folder's files.
 */
export function keyDir(): string {
  return path.resolve(process.env.SWITCHYARD_KEY_DIR ?? path.join(dataDir(), "keys"));
}

/**
 * The key file `name` (mode 0600 in a 0700 folder), created with `generate`
 * by whichever process asks first. Creating with O_EXCL makes two processes
 * racing on one folder agree on the winner's key.
 */
export function loadOrCreateKeyFile(name: string, generate: () => string = () => randomBytes(32).toString("base64url")): string {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) throw new Error(`Invalid key name ${JSON.stringify(name)}.`);
  const dir = keyDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = path.join(dir, name);
  try {
    writeFileSync(file, generate(), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}
