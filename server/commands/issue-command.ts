import "server-only";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { COMMAND_ARGS, type AgentCommandKind } from "@/contracts/agent-commands";
import { ACTIVE_AGENT } from "../agents/active-agent";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { commandSigningKey, currentSigningKeyIn, type CommandSigningKey } from "../command-keys/signing-key";
import { db, type Db } from "../db/client";
import type { AgentCommand } from "../db/generated/client";
import { ConflictError, NotFoundError } from "../errors";
import type { Tx } from "../db/transaction";

export const COMMAND_CHANNEL = "agent_commands";
const DEFAULT_TTL_SECONDS = 120;

export interface CommandRequest<K extends AgentCommandKind> {
  replicaId: string;
  kind: K;
  args: unknown;
  /** Same key, same command: a retried step never issues a second one. */
  idempotencyKey: string;
  actor: AuditActor;
  /** Defaults to the service's current epoch. */
  epoch?: number;
  ttlSeconds?: number;
  runId?: string;
  stepRunId?: string;
  reason?: string;
}

/**
 * Signs and queues a command for the agent of one replica, audited, and wakes
 * that agent's long-poll when the transaction commits. Asking again with the
 * same idempotency key returns the command already issued.
 */
export async function issueCommand<K extends AgentCommandKind>(request: CommandRequest<K>, client: Db = db()): Promise<AgentCommand> {
  const key = await commandSigningKey(client);
  return client.$transaction((tx) => issueCommandIn(tx, key, request));
}

/**
 * `issueCommand` inside the caller's transaction, e.g. together with the
 * epoch change a promotion makes. `key` is the command key the caller loaded
 * before its transaction; the command is signed with whichever key is
 * current when it is stored (command-keys/signing-key.ts says why that is exact).
 */
export async function issueCommandIn<K extends AgentCommandKind>(tx: Tx, key: CommandSigningKey, request: CommandRequest<K>): Promise<AgentCommand> {
  const args = COMMAND_ARGS[request.kind].parse(request.args);
  const existing = await tx.agentCommand.findUnique({ where: { idempotencyKey: request.idempotencyKey } });
  if (existing) return existing;
  const replica = await tx.replica.findUnique({ where: { id: request.replicaId }, include: { agents: ACTIVE_AGENT, service: { select: { epoch: true } } } });
  if (!replica) throw new NotFoundError(`No replica with id ${request.replicaId}.`);
  const agent = replica.agents[0];
  if (!agent) throw new ConflictError(`Replica ${replica.name} has no active agent to take the command.`);
  const id = randomUUID();
  const epoch = request.epoch ?? replica.service.epoch;
  const ttlSeconds = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const issuedAt = Math.floor(Date.now() / 1000);
  const signingKey = await currentSigningKeyIn(tx, key);
  const token = await new SignJWT({ kind: request.kind, args, serviceId: replica.serviceId, replica: replica.name, epoch })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: signingKey.id })
    .setIssuer("switchyard")
    .setAudience(agent.name)
    .setJti(id)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(signingKey.privateKey);
  const command = await tx.agentCommand.create({
    data: {
      id,
      agentId: agent.id,
      serviceId: replica.serviceId,
      kind: request.kind,
      args,
      epoch,
      idempotencyKey: request.idempotencyKey,
      token,
      expiresAt: new Date((issuedAt + ttlSeconds) * 1000),
      runId: request.runId ?? null,
      stepRunId: request.stepRunId ?? null,
    },
  });
  await tx.$executeRaw`SELECT pg_notify(${COMMAND_CHANNEL}, ${agent.id})`;
  await appendAuditEvent(tx, {
    actor: request.actor,
    action: "agent.command_issue",
    target: { type: "replica", id: replica.id },
    serviceId: replica.serviceId,
    reason: request.reason ?? null,
    runId: request.runId ?? null,
    stepRunId: request.stepRunId ?? null,
    after: { command: id, kind: request.kind, args, epoch, agent: agent.name, expiresAt: command.expiresAt, keyId: signingKey.id },
  });
  return command;
}
