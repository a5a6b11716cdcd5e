import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { controllerTokenFile, labDir } from "../paths";

/**
 * The lab's fault controller can stop the control plane and cut the lab's
 * network, and it listens on 127.0.0.1, which every web page a browser on
 * this machine opens can post to. So it answers only requests carrying the
 * token it made when it started, kept in the data folder readable by its
 * owner alone: the lab CLI and the tests read it there; a web page cannot.
 */
export async function issueControllerToken(dataDir: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await mkdir(labDir(dataDir), { recursive: true, mode: 0o755 });
  const file = controllerTokenFile(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${token}\n`, { mode: 0o600 });
  // writeFile's mode is subject to the umask, which can only take permissions away; chmod states it.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return token;
}

export async function readControllerToken(dataDir: string): Promise<string | null> {
  const file = controllerTokenFile(dataDir);
  if (!existsSync(file)) return null;
  return (await readFile(file, "utf8")).trim() || null;
}

export async function removeControllerToken(dataDir: string): Promise<void> {
  await rm(controllerTokenFile(dataDir), { force: true });
}

/** Whether an Authorization header carries `token`, compared in constant time. */
export function carriesToken(authorization: string | undefined, token: string): boolean {
  const offered = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!offered) return false;
  const a = Buffer.from(offered);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
