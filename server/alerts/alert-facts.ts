import "server-only";
import type { AgentReport } from "@/contracts/agent-reports";
import type { ReplicaFacts, ServiceFacts } from "@/core/alerts/alert-facts";
import { rpoBudgetSeconds } from "@/core/policy/budgets";
import { ACTIVE_AGENT } from "../agents/active-agent";
import { db } from "../db/client";
import { effectivePolicies, type EffectivePolicy } from "../policy/effective-policy";

const asNumber = (value: bigint | null | undefined) => (value === null || value === undefined ? null : Number(value));

/**
 * Recovery plus logical conflicts per replica over the last minute, from the
 * cumulative counters in the samples: the sum of each step's increase; a
 * counter that went down restarted from zero (server restart), so that step
 * counts what it counted since, as the service page's charts do.
 */
async function conflictsLastMinute(now: Date): Promise<Map<string, number>> {
  const rows = await db().$queryRaw<{ replicaId: string; conflicts: number }[]>`
    SELECT "replicaId", sum(CASE WHEN total >= previous THEN total - previous ELSE total END)::int AS conflicts
    FROM (
      SELECT "replicaId", "recoveryConflicts" + "logicalConflicts" AS total,
             lag("recoveryConflicts" + "logicalConflicts") OVER (PARTITION BY "replicaId" ORDER BY "receivedAt", seq) AS previous
      FROM "Sample"
      WHERE "receivedAt" > ${new Date(now.getTime() - 60_000)} AND "receivedAt" <= ${now}
    ) AS steps
    WHERE previous IS NOT NULL
    GROUP BY "replicaId"`;
  return new Map(rows.map((row) => [row.replicaId, row.conflicts]));
}

/**
 * The decider's decisions that leave a confirmed loss to people: a blocked
 * failover (except the seconds spent waiting for the old primary's lease, or
 * for a run already under way) and a guided run it opened.
 */
async function automationHolds(): Promise<Map<string, { ruleId: string; sentence: string }[]>> {
  const rows = await db().$queryRaw<{ serviceId: string; ruleId: string; sentence: string }[]>`
    SELECT "serviceId", "ruleId", sentence FROM "AutomationDecision"
    WHERE action->>'kind' = 'open-guided-runbook'
       OR (action->>'kind' = 'blocked' AND action->>'by' NOT IN ('primary-lease', 'run-in-progress'))
    ORDER BY "serviceId", "ruleId"`;
  const holds = new Map<string, { ruleId: string; sentence: string }[]>();
  for (const row of rows) holds.set(row.serviceId, [...(holds.get(row.serviceId) ?? []), { ruleId: row.ruleId, sentence: row.sentence }]);
  return holds;
}

/**
 * Every service as the alert rules see it, in a fixed number of queries
 * whatever the fleet's size. A service without an effective policy has no
 * thresholds to judge by and is left out.
 */
export async function gatherAlertFacts(now: Date): Promise<{ services: ServiceFacts[]; policies: Map<string, EffectivePolicy> }> {
  const [services, conflicts, holds] = await Promise.all([
    // A retired service is judged no more: its open alerts resolve at the next evaluation.
    db().service.findMany({
      where: { retiredAt: null },
      include: { datasets: true, replicas: { where: { retiredAt: null }, include: { state: true, agents: { ...ACTIVE_AGENT, select: { id: true } } }, orderBy: { name: "asc" } } },
      orderBy: { id: "asc" },
    }),
    conflictsLastMinute(now),
    automationHolds(),
  ]);
  const policies = await effectivePolicies(services.map((service) => service.id));
  const facts = services.flatMap((service): ServiceFacts[] => {
    const policy = policies.get(service.id);
    if (!policy) return [];
    return [
      {
        id: service.id,
        policy: policy.document,
        policyVersion: policy.version,
        writeReplicaId: service.writeReplicaId,
        // What the datasets promise and what the policy asks for: either needs a synchronous standby.
        strong: service.datasets.some((dataset) => dataset.consistency === "strong") || Object.values(policy.document.datasets).some((rule) => rule.replication === "sync"),
        rpoSeconds: rpoBudgetSeconds(service.datasets),
        automationHolds: holds.get(service.id) ?? [],
        replicas: service.replicas.map((replica): ReplicaFacts => {
          const state = replica.state;
          const report = state?.report as AgentReport | undefined;
          return {
            id: replica.id,
            name: replica.name,
            role: replica.role,
            hasAgent: replica.agents.length > 0,
            lastReportAt: state?.receivedAt ?? null,
            reachable: state?.reachable ?? null,
            reportedRole: state?.role === "primary" || state?.role === "standby" ? state.role : null,
            lagBytes: asNumber(state?.lagBytes),
            lagSeconds: state?.lagSeconds ?? null,
            standbys: (report?.standbys ?? []).map((standby) => ({ applicationName: standby.applicationName, state: standby.state, syncState: standby.syncState })),
            slots: (report?.slots ?? []).map((slot) => ({ name: slot.name, retainedBytes: slot.retainedBytes })),
            settings: report?.settings ?? null,
            conflictsPerMinute: state ? (conflicts.get(replica.id) ?? 0) : null,
          };
        }),
      },
    ];
  });
  return { services: facts, policies };
}
