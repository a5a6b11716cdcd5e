import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEMO_SERVICE } from "@/prisma/seed/demo-topology";
import { loadAgentState } from "@/agents/enrollment/agent-state";
import { ENROLLMENT_TOKEN_LIFETIME } from "@/contracts/enrollment";
import { issueEnrollmentToken } from "../agents/issue-enrollment-token";
import { SYSTEM_ACTOR } from "../audit/append-audit-event";
import type { Db } from "../db/client";
import { hashTokenSecret } from "../tokens/token-secret";
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

/** An enrollment token for the lab agent of `replicaName`, issued as an admin would (audited). */
export async function labEnrollmentToken(client: Db, replicaName: string): Promise<string> {
  const replica = await client.replica.findFirstOrThrow({ where: { serviceId: DEMO_SERVICE.id, name: replicaName, retiredAt: null } });
  return (await issueEnrollmentToken(replica.id, ENROLLMENT_TOKEN_LIFETIME.defaultSeconds, SYSTEM_ACTOR, client)).token;
}

export const LAB_WORKLOAD_EMAIL = "lab-workload@switchyard.local";

/**
 * An API token for the lab's workload, which reads the service's write route
 * like any client would: a viewer account of its own, visible in the users
 * list, whose password nobody knows.
 */
export async function labWorkloadToken(client: Db, file: string): Promise<string> {
  const kept = await readSecret(file);
  if (kept) {
    const token = await client.apiToken.findUnique({ where: { tokenHash: hashTokenSecret(kept) } });
    if (token && !token.revokedAt) return kept;
  }
  const user =
    (await client.user.findUnique({ where: { email: LAB_WORKLOAD_EMAIL } })) ??
    (await createUser({ email: LAB_WORKLOAD_EMAIL, name: "Lab workload", password: randomBytes(24).toString("base64url"), roles: ["viewer"] }, SYSTEM_ACTOR, client));
  const issued = await issueToken(user.id, { name: "lab workload" }, SYSTEM_ACTOR, client);
  await writeSecret(file, issued.token);
  return issued.token;
}
