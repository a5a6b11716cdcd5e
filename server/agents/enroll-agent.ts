import "server-only";
import { randomUUID } from "node:crypto";
import { decideEnrollment, enrolledAgentName } from "@/core/agents/enrollment-rules";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { type EnrollAgentRequest, type EnrolledAgent } from "@/contracts/enrollment";
import { appendAuditEvent } from "../audit/append-audit-event";
import { commandSigningKey } from "../command-keys/signing-key";
import { db, type Db } from "../db/client";
import { DomainError } from "../errors";
import { hashTokenSecret, newTokenSecret } from "../token-secret";
import { ACTIVE_AGENT } from "./active-agent";
import { AGENT_TOKEN_PREFIX } from "./agent-token";
import { raceAsConflict } from "./race-as-conflict";
import { revokeAgentIn } from "./revoke-agent";

/**
 * Trades an enrollment token for an agent: creates it with its long-lived
 * token, marks the enrollment token used, and (with `replace`) revokes the
 * replica's previous agent, all in one transaction, audited. The token's
 * row is locked first, so two enrollments racing with one token cannot both
 * succeed. A refusal (ENROLLMENT_RULES) writes nothing.
 */
export async function enrollAgent(secret: string, request: EnrollAgentRequest, ip: string | null, client: Db = db()): Promise<EnrolledAgent> {
  const { publicKeyPem } = await commandSigningKey(client);
  const issued = newTokenSecret(AGENT_TOKEN_PREFIX);
  const hash = hashTokenSecret(secret);
  return raceAsConflict(
    client.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "EnrollmentToken" WHERE "tokenHash" = ${hash} FOR UPDATE`;
      const token = locked
        ? await tx.enrollmentToken.findUniqueOrThrow({ where: { id: locked.id }, include: { replica: { include: { agents: ACTIVE_AGENT } } } })
        : null;
      const active = token?.replica.agents[0] ?? null;
      const decision = decideEnrollment({
        token,
        replicaName: token?.replica.name ?? "",
        replicaRetiredAt: token?.replica.retiredAt ?? null,
        activeAgent: active?.name ?? null,
        replace: request.replace,
        now: new Date(),
      });
      if (!decision.ok) throw new DomainError(decision.status, decision.status === 401 ? "unauthenticated" : "conflict", decision.message, decision.field);
      const { replica } = token!;

      const taken = new Set((await tx.agent.findMany({ where: { name: { startsWith: `agent-${replica.name}` } }, select: { name: true } })).map((agent) => agent.name));
      const name = enrolledAgentName(replica.name, taken);
      // The new agent acts from its first audit event on, the revocation of its predecessor
      // included, which must come first: a replica has one active agent at a time.
      const actor = { type: "agent" as const, id: randomUUID(), label: name, ip };
      if (active) await revokeAgentIn(tx, active.id, actor, `replaced by ${name}, enrolled with --replace`);
      const created = await tx.agent.create({ data: { id: actor.id, name, replicaId: replica.id, tokenHash: issued.hash, tokenPrefix: issued.prefix, version: request.version ?? null } });
      await tx.enrollmentToken.update({ where: { id: token!.id }, data: { usedAt: new Date(), agentId: created.id } });
      await appendAuditEvent(tx, {
        actor,
        action: "agent.enroll",
        target: { type: "agent", id: created.id },
        serviceId: replica.serviceId,
        after: { name, replica: replica.name, tokenPrefix: issued.prefix },
        details: { enrollmentToken: token!.prefix, issuedBy: token!.issuedBy, replaced: active?.name ?? null },
      });
      return {
        agent: { id: created.id, name, replicaId: replica.id, replicaName: replica.name, serviceId: replica.serviceId, regionId: replica.regionId },
        token: issued.secret,
        commandKey: { publicKey: publicKeyPem, fingerprint: commandKeyFingerprint(publicKeyPem) },
        replaced: active?.name ?? null,
      };
    }),
    "Another agent of this replica was enrolled or registered at the same moment; list the agents and try again.",
  );
}
