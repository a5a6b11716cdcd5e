import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadAgentState } from "@/agents/enrollment/agent-state";
import type { TokenScope } from "@/core/access/token-scopes";
import { TOKEN_MAX_DAYS } from "@/contracts/tokens";
import { SYSTEM_ACTOR } from "../audit/append-audit-event";
import type { Db } from "../db/client";
import { hashTokenSecret } from "../token-secret";
import { issueToken } from "../tokens/issue-token";
import { createUser } from "../users/create-user";

async function readSecret(file: string): Promise<string | null> {
  return existsSync(file) ? (await readFile(file, "utf8")).trim() : null;
}

async function writeSecret(file: string, secret: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
}

/**
 * Whether the lab agent whose state is in `stateDir` holds a credential the
 * store still accepts: the lab then keeps it (and its name, queue and
 * witness key) rather than enrolling a new one, e.g. after a new store under
 * an old lab.
 */
export async function labAgentEnrolled(client: Db, stateDir: string): Promise<boolean> {
  let token: string;
  try {
    token = loadAgentState(stateDir).token;
  } catch {
    return false;
  }
  return (await client.agent.count({ where: { tokenHash: hashTokenSecret(token), revokedAt: null } })) === 1;
}

interface LabAccount {
  email: string;
  name: string;
  role: "viewer" | "admin";
  scopes: TokenScope[];
}

/** The lab's workload reads the service's write route like any client would. */
export const LAB_WORKLOAD: LabAccount = { email: "lab-workload@switchyard.local", name: "Lab workload", role: "viewer", scopes: ["read"] };

/** The lab declares its topology and enrolls its agents through the API, as the admin who installs Switchyard would. */
export const LAB_ONBOARDING: LabAccount = { email: "lab-onboarding@switchyard.local", name: "Lab onboarding", role: "admin", scopes: ["admin"] };

// A kept token this close to its expiry is replaced when the lab starts, so
// that it outlives any lab run but the longest.
const RENEW_BEFORE_MS = 30 * 86_400_000;

/**
 * An API token for one of the lab's accounts, kept in `file` (0600) and
 * reused while the store accepts it and it has a month left: an account of
 * its own, visible in the users list, whose password nobody knows.
 */
export async function labAccountToken(client: Db, account: LabAccount, file: string): Promise<string> {
  const kept = await readSecret(file);
  if (kept) {
    const token = await client.apiToken.findUnique({ where: { tokenHash: hashTokenSecret(kept) } });
    if (token && !token.revokedAt && token.expiresAt.getTime() - Date.now() > RENEW_BEFORE_MS) return kept;
  }
  const user =
    (await client.user.findUnique({ where: { email: account.email } })) ??
    (await createUser({ email: account.email, name: account.name, password: randomBytes(24).toString("base64url"), roles: [account.role] }, SYSTEM_ACTOR, client));
  const issued = await issueToken(user.id, { name: account.name.toLowerCase(), scopes: account.scopes, expiresInDays: TOKEN_MAX_DAYS }, SYSTEM_ACTOR, client);
  await writeSecret(file, issued.token);
  return issued.token;
}
