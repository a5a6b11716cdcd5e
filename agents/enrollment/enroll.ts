import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { enrolledAgentSchema, type EnrolledAgent } from "@/contracts/enrollment";
import { ConfigError } from "../config";
import { errorMessage } from "../error-message";
import { controlPlaneClient } from "../control-planes";
import { AGENT_VERSION } from "../version";
import { prepareStateDir, saveAgentState } from "./agent-state";
import type { AgentInvocation } from "./cli-args";

const ENROLL_TIMEOUT_MS = 15_000;

/** What the control plane said when it refused (its message names the field or rule), or the bare status. */
function refusal(status: number, body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: string } }).error?.message;
    if (message) return `${status}: ${message}`;
  } catch {
    // Not JSON: a proxy's page, say; the status is all there is.
  }
  return `HTTP ${status}`;
}

/**
 * Enrolls this host's agent: checks the state folder can be written before
 * the single-use token is spent, trades the token for the agent's
 * credential and the command key, checks the key against the fingerprint
 * the control plane states (and the one the admin gave, if any), and only
 * then writes the state file (mode 0600). Returns what to print.
 */
export async function enroll(invocation: Extract<AgentInvocation, { kind: "enroll" }>): Promise<{ enrolled: EnrolledAgent; stateDir: string }> {
  prepareStateDir(invocation.stateDir);
  // Spending a single-use token: sent to another copy only when the first surely never received it.
  const { http, first } = controlPlaneClient(invocation.controlPlaneUrl, { idempotent: false });
  let answer;
  try {
    answer = await http.post(
      new URL(`${first}/api/v1/agents/enroll`),
      JSON.stringify({ replace: invocation.replace, version: AGENT_VERSION }),
      { authorization: `Bearer ${invocation.token}` },
      ENROLL_TIMEOUT_MS,
    );
  } catch (error) {
    throw new Error(`cannot reach the control plane at ${invocation.controlPlaneUrl}: ${errorMessage(error)}; nothing was saved (if enrolling again says the token was used, the control plane got it: ask for a new token and enroll with --replace)`);
  } finally {
    http.close();
  }
  if (answer.status !== 201) throw new ConfigError(`the control plane refused the enrollment: ${refusal(answer.status, answer.body)}`);
  const parsed = enrolledAgentSchema.safeParse(JSON.parse(answer.body));
  if (!parsed.success) throw new Error(`the control plane's answer is not an enrollment: ${parsed.error.message}`);
  const enrolled = parsed.data;
  const fingerprint = commandKeyFingerprint(enrolled.commandKey.publicKey);
  if (fingerprint !== enrolled.commandKey.fingerprint) {
    throw new Error(`the command key's fingerprint is ${fingerprint}, not the ${enrolled.commandKey.fingerprint} the answer states: nothing was saved; ask an admin to revoke ${enrolled.agent.name}`);
  }
  if (invocation.expectFingerprint !== null && fingerprint !== invocation.expectFingerprint) {
    throw new Error(`the command key's fingerprint is ${fingerprint}, not the expected ${invocation.expectFingerprint}: this is not your control plane, or its key changed; nothing was saved; ask an admin to revoke ${enrolled.agent.name}`);
  }
  saveAgentState(invocation.stateDir, {
    controlPlaneUrl: invocation.controlPlaneUrl,
    agentId: enrolled.agent.id,
    agentName: enrolled.agent.name,
    replicaId: enrolled.agent.replicaId,
    token: enrolled.token,
    commandKey: { publicKey: enrolled.commandKey.publicKey, fingerprint },
    enrolledAt: new Date().toISOString(),
    host: invocation.host,
  });
  return { enrolled, stateDir: invocation.stateDir };
}
