import "server-only";
import type { DrillFacts, ServiceFacts } from "@/core/alerts/alert-facts";
import { failedDrillSentence } from "@/core/drills/drill-alerts";
import { DRILL_OVERDUE_GRACE_MS, overdueSentence } from "@/core/drills/drill-schedule";
import { AUDIT_CHECKPOINT_PROGRESS, auditTrailFacts } from "@/core/audit/publication-health";
import { notDecidedSentence } from "@/core/loops/loop-stall";
import { alertFactsOf } from "@/core/topology/alert-facts-of";
import type { PolicyInForce } from "@/core/topology/service-topology";
import { sqlPool } from "../db/sql-pool";
import { checkpointSinkSettings, checkpointSinksWanted } from "../audit/checkpoint-sinks/sink-settings";
import { loopProgress } from "../loops/loop-progress";
import { readTopology } from "../topology/read-topology";

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

/** How long a refused scheduled run keeps its alert when nobody follows it with another run. */
const REFUSAL_ALERT_MS = 86_400_000;

/**
 * Each service's refused scheduled runs, and the refused scheduled plans
 * that covered it, of the last day that no later run (started or scheduled)
 * on the service follows.
 */
async function refusedScheduledRuns(now: Date): Promise<Map<string, ServiceFacts["refusedScheduledRuns"]>> {
  const { rows } = await sqlPool().query<{ kind: "run" | "plan"; id: string; serviceId: string; what: string; scheduledAt: Date; finishedAt: Date; error: string | null }>({
    name: "alert-facts-refused-scheduled-runs",
    text: `
      SELECT * FROM (
        SELECT 'run' AS kind, r.id, r."serviceId", r."runbookId" AS what, r."scheduledAt", r."finishedAt", r.error FROM "Run" r
         WHERE r.status = 'refused' AND r."finishedAt" > $1
        UNION ALL
        SELECT 'plan', p.id, ps."serviceId", 'region evacuation plan out of ' || p."regionId", p."scheduledAt", p."finishedAt", p.error
          FROM "Plan" p JOIN "PlanService" ps ON ps."planId" = p.id
         WHERE ps.rule = 'scheduled-plan-refused' AND p."finishedAt" > $1
      ) refused
      WHERE NOT EXISTS (SELECT 1 FROM "Run" later WHERE later."serviceId" = refused."serviceId" AND later."createdAt" > refused."finishedAt")
      ORDER BY "serviceId", "finishedAt"`,
    values: [new Date(now.getTime() - REFUSAL_ALERT_MS)],
  });
  const refused = new Map<string, ServiceFacts["refusedScheduledRuns"]>();
  for (const row of rows) refused.set(row.serviceId, [...(refused.get(row.serviceId) ?? []), { kind: row.kind, id: row.id, what: row.what, scheduledAt: row.scheduledAt, error: row.error ?? "refused" }]);
  return refused;
}

/** Each service's latest finished drill that ran, when it failed, and its overdue repeating drills, in two statements. */
async function drillFacts(now: Date): Promise<Map<string, DrillFacts>> {
  const [latest, overdue] = await Promise.all([
    sqlPool().query<{ id: string; serviceId: string; runbookId: string; status: string; error: string | null; verdicts: { passed: boolean | null; sentence: string }[] | null }>({
      name: "alert-facts-latest-drills",
      text: `
        SELECT DISTINCT ON (d."serviceId") d.id, d."serviceId", d."runbookId", d.status::text AS status, d.error, r.verdicts
          FROM "Drill" d LEFT JOIN "DrillReport" r ON r."drillId" = d.id
         WHERE d."finishedAt" IS NOT NULL
           -- A drill rejected or expired before its approval rehearsed nothing: it neither fails nor clears the alert.
           AND d.status NOT IN ('rejected', 'expired')
         ORDER BY d."serviceId", d."finishedAt" DESC`,
    }),
    sqlPool().query<{ id: string; serviceId: string; runbookId: string; nextDueAt: Date }>({
      name: "alert-facts-overdue-drills",
      text: `SELECT id, "serviceId", "runbookId", "nextDueAt" FROM "DrillSchedule" WHERE "disabledAt" IS NULL AND "nextDueAt" < $1`,
      values: [new Date(now.getTime() - DRILL_OVERDUE_GRACE_MS)],
    }),
  ]);
  const facts = new Map<string, DrillFacts>();
  const of = (serviceId: string) => facts.get(serviceId) ?? facts.set(serviceId, { failed: null, overdue: [] }).get(serviceId)!;
  for (const drill of latest.rows) {
    const sentence = failedDrillSentence({ ...drill, failedVerdicts: (drill.verdicts ?? []).filter((verdict) => verdict.passed === false).map((verdict) => verdict.sentence) });
    if (sentence) of(drill.serviceId).failed = { id: drill.id, sentence };
  }
  for (const schedule of overdue.rows) {
    const sentence = overdueSentence({ ...schedule, disabled: false }, now);
    if (sentence) of(schedule.serviceId).overdue.push({ scheduleId: schedule.id, sentence });
  }
  return facts;
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
 * Every service as the alert rules see it: the topology every reader shares
 * (a retired service is judged no more, so its open alerts resolve at the
 * next evaluation), with its conflicts over the last minute, what the
 * automation holds back and the decider's progress, in a fixed number of
 * statements whatever the fleet's size. A service without an effective
 * policy has no thresholds to judge by and is left out.
 */
export async function gatherAlertFacts(now: Date): Promise<{ services: ServiceFacts[]; policies: Map<string, PolicyInForce> }> {
  const [topologies, conflicts, holds, loops, refused, drills] = await Promise.all([
    readTopology(now),
    conflictsLastMinute(now),
    automationHolds(),
    loopProgress(),
    refusedScheduledRuns(now),
    drillFacts(now),
  ]);
  const decider = loops.get("decider") ?? null;
  const auditTrail = auditTrailFacts(loops.get(AUDIT_CHECKPOINT_PROGRESS) ?? null, { wanted: checkpointSinksWanted(), intervalMs: publishingIntervalMs() }, now);
  const policies = new Map<string, PolicyInForce>();
  const services = topologies.flatMap((topology) => {
    const facts = alertFactsOf(topology, {
      conflictsLastMinute: conflicts,
      automationHolds: holds.get(topology.serviceId) ?? [],
      notDecided: notDecidedSentence(decider, topology.serviceId, now),
      refusedScheduledRuns: refused.get(topology.serviceId) ?? [],
      auditTrail,
    });
    if (!facts || !topology.policy) return [];
    policies.set(topology.serviceId, topology.policy);
    return [{ ...facts, drills: drills.get(topology.serviceId) }];
  });
  return { services, policies };
}
