import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEMO_SERVICE } from "@/prisma/seed/demo-topology";
import { registerAgent } from "../agents/register-agent";
import { rotateAgentToken } from "../agents/rotate-agent-token";
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
 * The token of the lab agent for `replicaName`, kept in `file` between
 * starts. Registers the agent on a fresh store and rotates its token when the
 * file is missing or stale (e.g. a new store under an old lab); both audited.
 */
export async function labAgentToken(client: Db, replicaName: string, file: string): Promise<string> {
  const replica = await client.replica.findFirstOrThrow({
    where: { serviceId: DEMO_SERVICE.id, name: replicaName, retiredAt: null },
    // The active agent if there is one, else the latest revoked one (rotating re-enables it).
    include: { agents: { orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }], take: 1 } },
  });
  const agent = replica.agents[0];
  const kept = await readSecret(file);
  if (agent && kept && hashTokenSecret(kept) === agent.tokenHash && !agent.revokedAt) return kept;
  const issued = agent
    ? await rotateAgentToken(agent.id, SYSTEM_ACTOR, client)
    : await registerAgent({ replicaId: replica.id, name: `agent-${replicaName}` }, SYSTEM_ACTOR, client);
  await writeSecret(file, issued.token);
  return issued.token;
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
