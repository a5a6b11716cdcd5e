import { execFileSync } from "node:child_process";
import pg from "pg";
import type { PolicyDocument } from "@/contracts/policy";
import { api } from "./api";
import type { RunningControlPlane } from "./control-plane";

const PASSWORD = "bench-governance-password";
const ONBOARDING_ADMIN = "bench-onboarding-admin@switchyard.local";
const APPROVERS = ["bench-approver-1@switchyard.local", "bench-approver-2@switchyard.local"];

/** Roles given from the control plane's host, as an installation's first approvers are (scripts/accounts.ts). */
function grantFromHost(plane: RunningControlPlane, email: string, role: string): void {
  execFileSync("npm", ["run", "--silent", "accounts", "--", "grant", email, role, "--reason", "benchmark: approvers of the policy under test"], {
    env: { ...process.env, SWITCHYARD_DATA_DIR: plane.dataDir, DATABASE_URL: "" },
    stdio: "pipe",
  });
}

async function tokenOf(plane: RunningControlPlane, email: string, scopes: string[]): Promise<string> {
  const issued = await fetch(`${plane.url}/api/v1/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, name: "bench", scopes }),
  });
  if (!issued.ok) throw new Error(`token for ${email}: ${issued.status} ${await issued.text()}`);
  return ((await issued.json()) as { token: string }).token;
}

/**
 * After a grant: the command blocked this process for seconds, long enough
 * for the control plane to close the kept-alive connection; letting the
 * event loop see that close keeps the next request off the dead socket.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/** Approvers who count as second persons for the first admin: created by another admin, granted from the host. */
async function approverTokens(plane: RunningControlPlane, admin: string): Promise<string[]> {
  await api(plane.url, "POST", "/api/v1/users", admin, { email: ONBOARDING_ADMIN, password: PASSWORD, roles: ["admin"] });
  grantFromHost(plane, ONBOARDING_ADMIN, "admin");
  await settle();
  const onboarding = await tokenOf(plane, ONBOARDING_ADMIN, ["admin"]);
  const tokens: string[] = [];
  for (const email of APPROVERS) {
    await api(plane.url, "POST", "/api/v1/users", onboarding, { email, password: PASSWORD, roles: ["approver"] });
    grantFromHost(plane, email, "approver");
    await settle();
    tokens.push(await tokenOf(plane, email, ["approve"]));
  }
  return tokens;
}

/**
 * Changes a service's policy the way a user does: the first admin proposes
 * the change, two approvers approve it (the demo policy asks two approvals
 * for a safety-relevant change), and the new version is in force once the
 * second approval answers. Returns the document applied.
 */
export async function applyPolicyChange(plane: RunningControlPlane, admin: string, serviceId: string, change: (document: PolicyDocument) => void, reason: string): Promise<PolicyDocument> {
  const store = new pg.Client({ connectionString: plane.databaseUrl });
  await store.connect();
  let document: PolicyDocument;
  try {
    const { rows } = await store.query<{ document: PolicyDocument }>(
      `SELECT v.document FROM "Policy" p JOIN "PolicyVersion" v ON v."policyId" = p.id AND v.version = p."currentVersion" WHERE p."serviceId" = $1`,
      [serviceId],
    );
    if (!rows[0]) throw new Error(`${serviceId} has no policy of its own to change`);
    document = rows[0].document;
  } finally {
    await store.end();
  }
  change(document);
  const approvers = await approverTokens(plane, admin);
  const request = await api(plane.url, "POST", "/api/v1/change-requests", admin, { serviceId, document, reason });
  for (const approver of approvers.slice(0, request.requiredApprovals)) {
    await api(plane.url, "POST", `/api/v1/change-requests/${request.id}/approve`, approver, { comment: reason });
  }
  const applied = await api(plane.url, "GET", `/api/v1/change-requests/${request.id}`, admin);
  if (applied.status !== "applied") throw new Error(`change request ${request.id} is ${applied.status}, not applied`);
  return document;
}

/**
 * Waits until every agent of the service reports at the policy's interval:
 * agents take a changed heartbeat from the control plane's config, which
 * they ask for every 30 s (agents/enrollment/control-plane-config.ts).
 */
export async function untilAgentsReportEvery(plane: RunningControlPlane, serviceId: string, intervalSeconds: number, timeoutMs = 90_000): Promise<void> {
  const store = new pg.Client({ connectionString: plane.databaseUrl });
  await store.connect();
  const spanSeconds = 4;
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await store.query<{ fewest: number | null }>(
        `SELECT min(n)::int AS fewest FROM (
           SELECT count(s.seq) AS n FROM "Replica" r LEFT JOIN "Sample" s ON s."replicaId" = r.id AND s."receivedAt" > now() - make_interval(secs => $2)
            WHERE r."serviceId" = $1 AND r."retiredAt" IS NULL GROUP BY r.id) per_replica`,
        [serviceId, spanSeconds],
      );
      // One report short of the span's worth, for the one in flight.
      if ((rows[0]?.fewest ?? 0) >= spanSeconds / intervalSeconds - 1) return;
      if (Date.now() > deadline) throw new Error(`the agents of ${serviceId} do not report every ${intervalSeconds} s after ${timeoutMs} ms (fewest reports in ${spanSeconds} s: ${rows[0]?.fewest})`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await store.end();
  }
}
