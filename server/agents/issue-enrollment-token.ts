import "server-only";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { ENROLLMENT_TOKEN_PREFIX, type IssuedEnrollmentToken } from "@/contracts/enrollment";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { commandSigningKey } from "../command-keys/signing-key";
import { db, type Db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { newTokenSecret } from "../token-secret";

/**
 * Issues a single-use token that enrolls the agent of one replica (shown
 * once, stored hashed). Issuing does not touch the replica's current agent:
 * only the enrollment itself may replace it, and only when asked to.
 */
export async function issueEnrollmentToken(replicaId: string, expiresInSeconds: number, actor: AuditActor, client: Db = db()): Promise<IssuedEnrollmentToken> {
  const { secret, hash, prefix } = newTokenSecret(ENROLLMENT_TOKEN_PREFIX);
  const { publicKeyPem } = await commandSigningKey(client);
  return client.$transaction(async (tx) => {
    const replica = await tx.replica.findUnique({ where: { id: replicaId } });
    if (!replica) throw new NotFoundError(`No replica with id ${replicaId}.`);
    if (replica.retiredAt) throw new ConflictError(`Replica ${replica.name} was retired at ${replica.retiredAt.toISOString()}; it takes no agent.`, "id");
    const token = await tx.enrollmentToken.create({
      data: { replicaId, tokenHash: hash, prefix, issuedById: actor.id, issuedBy: actor.label, expiresAt: new Date(Date.now() + expiresInSeconds * 1000) },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "agent.enrollment_token_issue",
      target: { type: "replica", id: replica.id },
      serviceId: replica.serviceId,
      after: { replica: replica.name, prefix, expiresAt: token.expiresAt },
    });
    return {
      token: secret,
      prefix,
      replicaId: replica.id,
      replicaName: replica.name,
      serviceId: replica.serviceId,
      regionId: replica.regionId,
      engine: replica.engine,
      databaseName: replica.databaseName,
      expiresAt: token.expiresAt.toISOString(),
      commandKeyFingerprint: commandKeyFingerprint(publicKeyPem),
    };
  });
}
