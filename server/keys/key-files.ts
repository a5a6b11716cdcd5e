import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "../data-dir";

/**
 * Where the control plane's keys live: outside the store, so that whoever
 * can read the database (a backup, a replica, a leaked dump) cannot sign
 * commands, mint sessions or re-hash the audit trail. Copies of the control
 * plane on other machines are given the same folder's files.
 */
export function keyDir(): string {
  // A folder chosen at run time, never part of the build (see dataDir).
  return path.resolve(/*turbopackIgnore: true*/ process.env.SWITCHYARD_KEY_DIR ?? path.join(dataDir(), "keys"));
}

const KEY_NAME = /^[a-z0-9][a-z0-9.-]*$/;

/** Key names are file names (and a key command's argument): nothing that could leave the folder or need quoting. */
export function checkKeyName(name: string): void {
  if (!KEY_NAME.test(name)) throw new Error(`Invalid key name ${JSON.stringify(name)}.`);
}

function keyFile(name: string): string {
  checkKeyName(name);
  const dir = keyDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return path.join(dir, name);
}

/**
 * The key file `name`, or null when there is none. A key file others may
 * read is refused, as ssh refuses such a private key: whoever else can read
 * it holds the key too.
 */
export function readKeyFile(name: string): string | null {
  const file = keyFile(name);
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  if (mode & 0o077) {
    throw new Error(`The key file ${file} may be read by others (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); make it readable by its owner only (chmod 600).`);
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * Writes `material` as the key file `name` (mode 0600) unless it exists, and
 * returns what the file holds. Creating with O_EXCL makes two processes
 * racing on one folder agree on the winner's key.
 */
export function createKeyFile(name: string, material: string): string {
  const file = keyFile(name);
  try {
    writeFileSync(file, material, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readKeyFile(name)!;
}

/**
 * The key file `name` (mode 0600 in a 0700 folder), created with `generate`
 * by whichever process asks first.
 */
export function loadOrCreateKeyFile(name: string, generate: () => string = () => randomBytes(32).toString("base64url")): string {
  return readKeyFile(name) ?? createKeyFile(name, generate());
}
