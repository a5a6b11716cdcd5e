import "server-only";
import type { InPlaceRestart } from "@/contracts/agent-reports";
import { decideInPlaceRestartAudit, IN_PLACE_RESTART_ATTEMPTS_LIMIT } from "@/core/agents/in-place-restart-audit";
import type { InPlaceRestartState } from "@/core/agents/in-place-restart";
import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-event";
import { db } from "../db/client";
import { lockReplicaAudits } from "../primary-lease/replica-lock";
import type { AgentPrincipal } from "../agents/resolve-agent";

const REASONS = {
  "restart_in_place.start": "the agent found its server crashed on a healthy host and restarts it in place; the automation holds off a failover meanwhile, for a bounded time",
  "restart_in_place.finish": "the agent's in-place restart of its server ended",
  "restart_in_place.give_up": "the agent does not restart its crashed server in place: the failover decides",
} as const;

/**
 * Stores what an agent's reports say of its in-place restarts (the latest
 * word on each attempt in a batch) and audits each attempt's start, its
 * outcome, or the agent's decision to leave the crash to the failover, once
 * (core/agents/in-place-restart-audit.ts), under the replica's lock so that
 * a batch sent twice audits nothing twice, and at most
 * IN_PLACE_RESTART_ATTEMPTS_LIMIT new attempts a window, whatever a token
 * reports. Almost every batch carries none.
 */
export async function recordInPlaceRestarts(agent: AgentPrincipal, reported: readonly InPlaceRestart[], heardAt: Date): Promise<void> {
  const latest = new Map(reported.map((restart) => [restart.id, restart]));
  if (latest.size === 0) return;
  await db().$transaction(async (tx) => {
    await lockReplicaAudits(tx, agent);
    const known = await tx.inPlaceRestart.findMany({ where: { agentId: agent.agentId, attemptId: { in: [...latest.keys()] } }, select: { attemptId: true, state: true } });
    const stateOf = new Map(known.map((row) => [row.attemptId, row.state as InPlaceRestartState]));
    let recentAttempts = await tx.inPlaceRestart.count({ where: { replicaId: agent.replicaId, heardAt: { gt: new Date(heardAt.getTime() - IN_PLACE_RESTART_ATTEMPTS_LIMIT.withinMs) } } });
    const events: AuditEventInput[] = [];
    for (const restart of latest.values()) {
      const before = stateOf.get(restart.id) ?? null;
      const rule = decideInPlaceRestartAudit(before, restart.state, recentAttempts);
      if (!rule.store) continue;
      if (before === null) recentAttempts += 1;
      const fields = { state: restart.state, rule: restart.rule, detail: restart.detail, endedAt: restart.endedAt ? new Date(restart.endedAt) : null };
      await tx.inPlaceRestart.upsert({
        where: { agentId_attemptId: { agentId: agent.agentId, attemptId: restart.id } },
        create: { agentId: agent.agentId, attemptId: restart.id, replicaId: agent.replicaId, serviceId: agent.serviceId, startedAt: new Date(restart.startedAt), heardAt, ...fields },
        update: fields,
      });
      for (const action of rule.events) {
        events.push({
          actor: { type: "agent", id: agent.agentId, label: agent.name },
          action,
          target: { type: "replica", id: agent.replicaId },
          serviceId: agent.serviceId,
          outcome: action === "restart_in_place.finish" && restart.state === "failed" ? "failure" : "success",
          reason: action === "restart_in_place.finish" ? `${REASONS[action]}: ${restart.state}${restart.detail ? ` (${restart.detail})` : ""}` : REASONS[action],
          details: { attempt: restart.id, rule: restart.rule, state: action === "restart_in_place.start" ? "restarting" : restart.state, startedAt: restart.startedAt, endedAt: restart.endedAt, detail: restart.detail },
        });
      }
    }
    await appendAuditEvents(tx, events);
  });
}
