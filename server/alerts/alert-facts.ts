import "server-only";
import type { ReplicaFacts, ServiceFacts } from "@/core/alerts/alert-facts";
import { AUDIT_CHECKPOINT_PROGRESS, auditTrailFacts } from "@/core/audit/publication-health";
import { notDecidedSentence } from "@/core/loops/loop-stall";
import { rpoBudgetSeconds } from "@/core/policy/budgets";
import { sqlPool } from "../db/sql-pool";
import { checkpointSinkSettings, checkpointSinksWanted } from "../audit/checkpoint-sinks/sink-settings";
import { loopProgress } from "../loops/loop-progress";
import { type EffectivePolicy, livePolicies } from "../policy/effective-policy";

interface ServiceRow {
  id: string;
  writeReplicaId: string | null;
  datasets: { consistency: string; rpoSeconds: number }[];
}

interface ReplicaRow extends Omit<ReplicaFacts, "conflictsPerMinute"> {
  serviceId: string;
}

/**
 * Every service judged (a retired one is judged no more: its open alerts
 * resolve at the next evaluation), with what its datasets promise.
 */
async function services(): Promise<ServiceRow[]> {
  const { rows } = await sqlPool().query<ServiceRow>({
    name: "alert-facts-services",
    text: `
      SELECT v.id, v."writeReplicaId",
             coalesce(jsonb_agg(jsonb_build_object('consistency', d.consistency, 'rpoSeconds', d."rpoSeconds")) FILTER (WHERE d.id IS NOT NULL), '[]'::jsonb) AS datasets
        FROM "Service" v
        LEFT JOIN "Dataset" d ON d."serviceId" = v.id
       WHERE v."retiredAt" IS NULL
       GROUP BY v.id
       ORDER BY v.id`,
  });
  return rows;
}

/**
 * Every replica of the services judged with its latest state. Of the stored
 * report (kilobytes, thousands of times over) only what the rules read leaves
 * the database: the settings, and the standbys and slots as the write
 * primary sees them, each cut to the fields the rules compare.
 */
async function replicas(): Promise<ReplicaRow[]> {
  const { rows } = await sqlPool().query<ReplicaRow>({
    name: "alert-facts-replicas",
    text: `
      SELECT r.id, r."serviceId", r.name, r.role::text AS role,
             EXISTS (SELECT 1 FROM "Agent" a WHERE a."replicaId" = r.id AND a."revokedAt" IS NULL) AS "hasAgent",
             s."receivedAt" AS "lastReportAt", s.reachable,
             CASE WHEN s.role IN ('primary', 'standby') THEN s.role::text END AS "reportedRole",
             s."lagBytes"::float8 AS "lagBytes", s."lagSeconds",
             CASE WHEN jsonb_typeof(s.report->'settings') = 'object' THEN jsonb_build_object(
               'synchronous_commit', s.report->'settings'->'synchronous_commit',
               'synchronous_standby_names', s.report->'settings'->'synchronous_standby_names',
               'default_transaction_read_only', s.report->'settings'->'default_transaction_read_only') END AS settings,
             CASE WHEN r.id = v."writeReplicaId" AND jsonb_typeof(s.report->'standbys') = 'array' THEN coalesce((
               SELECT jsonb_agg(jsonb_build_object('applicationName', e->'applicationName', 'state', e->'state', 'syncState', e->'syncState'))
                 FROM jsonb_array_elements(s.report->'standbys') e), '[]'::jsonb) ELSE '[]'::jsonb END AS standbys,
             CASE WHEN r.id = v."writeReplicaId" AND jsonb_typeof(s.report->'slots') = 'array' THEN coalesce((
               SELECT jsonb_agg(jsonb_build_object('name', e->'name', 'retainedBytes', e->'retainedBytes'))
                 FROM jsonb_array_elements(s.report->'slots') e), '[]'::jsonb) ELSE '[]'::jsonb END AS slots
        FROM "Replica" r
        JOIN "Service" v ON v.id = r."serviceId" AND v."retiredAt" IS NULL
        LEFT JOIN "ReplicaState" s ON s."replicaId" = r.id
       WHERE r."retiredAt" IS NULL
       ORDER BY r."serviceId", r.name`,
  });
  return rows;
}

/**
 * Recovery plus logical conflicts per replica over the last minute, from the
 * cumulative counters in the samples: the sum of each step's increase; a
 * counter that went down restarted from zero (server restart), so that step
 * counts what it counted since, as the service page's charts do. Only
 * replicas whose counters moved in that minute are walked step by step (the
 * others counted none): ordering every sample of a large fleet took most of
 * an evaluation.
 */
async function conflictsLastMinute(now: Date): Promise<Map<string, number>> {
  const { rows } = await sqlPool().query<{ replicaId: string; conflicts: number }>({
    name: "alert-facts-conflicts",
    text: `
      SELECT "replicaId", sum(CASE WHEN total >= previous THEN total - previous ELSE total END)::int AS conflicts
      FROM (
        SELECT "replicaId", "recoveryConflicts" + "logicalConflicts" AS total,
               lag("recoveryConflicts" + "logicalConflicts") OVER (PARTITION BY "replicaId" ORDER BY "receivedAt", seq) AS previous
        FROM "Sample"
        WHERE "receivedAt" > $1 AND "receivedAt" <= $2
          AND "replicaId" IN (
            SELECT "replicaId" FROM "Sample"
             WHERE "receivedAt" > $1 AND "receivedAt" <= $2
             GROUP BY "replicaId"
            HAVING min("recoveryConflicts" + "logicalConflicts") <> max("recoveryConflicts" + "logicalConflicts"))
      ) AS steps
      WHERE previous IS NOT NULL
      GROUP BY "replicaId"`,
    values: [new Date(now.getTime() - 60_000), now],
  });
  return new Map(rows.map((row) => [row.replicaId, row.conflicts]));
}

/**
 * The decider's decisions that leave a confirmed loss to people: a blocked
 * failover (except the seconds spent waiting for the old primary's lease, or
 * for a run already under way) and a guided run it opened.
 */
async function automationHolds(): Promise<Map<string, { ruleId: string; sentence: string }[]>> {
  const { rows } = await sqlPool().query<{ serviceId: string; ruleId: string; sentence: string }>({
    name: "alert-facts-automation-holds",
    text: `
      SELECT "serviceId", "ruleId", sentence FROM "AutomationDecision"
      WHERE action->>'kind' = 'open-guided-runbook'
         OR (action->>'kind' = 'blocked' AND action->>'by' NOT IN ('primary-lease', 'run-in-progress'))
      ORDER BY "serviceId", "ruleId"`,
  });
  const holds = new Map<string, { ruleId: string; sentence: string }[]>();
  for (const row of rows) holds.set(row.serviceId, [...(holds.get(row.serviceId) ?? []), { ruleId: row.ruleId, sentence: row.sentence }]);
  return holds;
}

/** The publisher's interval as this copy's environment sets it (a broken setting is the publisher's alert to raise). */
function publishingIntervalMs(): number {
  try {
    return checkpointSinkSettings().intervalMs;
  } catch {
    return 60_000;
  }
}

/**
 * Every service as the alert rules see it, in one parallel round of a fixed
 * number of statements whatever the fleet's size (six: the policies in force
 * and the decider's progress included). A service without an effective
 * policy has no thresholds to judge by and is left out.
 */
export async function gatherAlertFacts(now: Date): Promise<{ services: ServiceFacts[]; policies: Map<string, EffectivePolicy> }> {
  const [serviceRows, replicaRows, conflicts, holds, loops, policyOf] = await Promise.all([services(), replicas(), conflictsLastMinute(now), automationHolds(), loopProgress(), livePolicies()]);
  const decider = loops.get("decider") ?? null;
  const auditTrail = auditTrailFacts(loops.get(AUDIT_CHECKPOINT_PROGRESS) ?? null, { wanted: checkpointSinksWanted(), intervalMs: publishingIntervalMs() }, now);
  const policies = new Map(serviceRows.flatMap((service) => {
    const policy = policyOf(service.id);
    return policy ? [[service.id, policy] as const] : [];
  }));
  const replicasOf = new Map<string, ReplicaFacts[]>();
  for (const { serviceId, ...replica } of replicaRows) {
    const facts: ReplicaFacts = { ...replica, conflictsPerMinute: replica.lastReportAt ? (conflicts.get(replica.id) ?? 0) : null };
    const siblings = replicasOf.get(serviceId);
    if (siblings) siblings.push(facts);
    else replicasOf.set(serviceId, [facts]);
  }
  const facts = serviceRows.flatMap((service): ServiceFacts[] => {
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
        notDecided: notDecidedSentence(decider, service.id, now),
        auditTrail,
        replicas: replicasOf.get(service.id) ?? [],
      },
    ];
  });
  return { services: facts, policies };
}
