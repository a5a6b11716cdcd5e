import type pg from "pg";
import { chainAuditEvent, type AuditEventBody, type ChainHead, type ChainKey } from "@/core/audit/chain";

const DAY_MS = 86_400_000;

/** Weighted actions, roughly what a busy fleet with runbooks and alerting records. */
const ACTIONS: [string, number][] = [
  ["run.step", 30],
  ["agent.command_issue", 10],
  ["agent.command_result", 10],
  ["alert.fire", 8],
  ["alert.resolve", 8],
  ["auth.sign_in", 10],
  ["replica.update", 5],
  ["alert.acknowledge", 4],
  ["run.start", 3],
  ["run.finish", 3],
  ["token.issue", 3],
  ["user.update", 2],
  ["service.route", 2],
  ["service.epoch", 1],
  ["run.approve", 1],
];

const REASONS = [
  "lag above the RPO budget on {replica}",
  "planned maintenance window {ticket}",
  "customer escalation, see {ticket}",
  "witness quorum lost for {region}",
  "rotating credentials after the quarterly review",
  "switchover rehearsal for {region}",
  "conflict rate above threshold on {replica}",
  "promote candidate with least lag",
  "operator confirmed isolation of {region}",
  "routine check",
];

const REGIONS = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3", "azure:eastus", "gcp:us-central1"];

/** A small deterministic generator, so every run seeds the same trail. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const SERVICES = 50;
export const serviceName = (n: number) => `svc-${String(n).padStart(3, "0")}`;
export const userEmail = (n: number) => `ops-${String(n).padStart(2, "0")}@example.com`;
export const BENCH_TICKET = "CHG-777777";

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function weighted(next: () => number): string {
  const total = ACTIONS.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = next() * total;
  for (const [action, weight] of ACTIONS) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return ACTIONS[0]![0];
}

function body(index: number, count: number, days: number, now: number, next: () => number): Omit<AuditEventBody, "seq"> {
  const action = weighted(next);
  // Skewed: low-numbered services are the busy ones.
  const service = serviceName(Math.floor(next() ** 2 * SERVICES));
  const region = pick(next, REGIONS);
  const replica = `${service}-${region.split(":")[1]}`;
  // One event in 50,000 carries the ticket searched for, as a rare term would.
  const ticket = index % 50_000 === 7 ? BENCH_TICKET : `CHG-${100_000 + Math.floor(next() * 800_000)}`;
  const reason = pick(next, REASONS).replace("{replica}", replica).replace("{ticket}", ticket).replace("{region}", region);
  const at = new Date(now - days * DAY_MS + Math.floor(((index + next() * 0.5) / count) * days * DAY_MS));
  const byUser = ["auth.sign_in", "token.issue", "user.update", "alert.acknowledge", "run.start", "run.approve", "replica.update"].includes(action);
  const byAgent = action === "agent.command_result";
  const user = Math.floor(next() * 40);
  const failed = next() < 0.03;
  const runId = action.startsWith("run.") ? `run-${Math.floor(index / 40)}` : null;
  return {
    at,
    actorType: byUser ? "user" : byAgent ? "agent" : "automation",
    actorId: byUser ? `user-${user}` : byAgent ? `agent-${replica}` : null,
    actorLabel: byUser ? userEmail(user) : byAgent ? `agent-${replica}` : action.startsWith("alert.") ? "alerting" : "runbook engine",
    sourceIp: byUser ? `10.${user}.${Math.floor(next() * 255)}.${Math.floor(next() * 255)}` : null,
    action,
    targetType: action.startsWith("run.") ? "run" : action.startsWith("alert.") ? "alert" : action.startsWith("auth.") || action.startsWith("user.") || action.startsWith("token.") ? "user" : "replica",
    targetId: action.startsWith("run.") ? runId : byUser && !action.startsWith("replica.") ? `user-${user}` : replica,
    serviceId: action.startsWith("auth.") || action.startsWith("token.") || action.startsWith("user.") ? null : service,
    outcome: failed ? "failure" : "success",
    reason: action === "run.step" || action.startsWith("agent.") || next() < 0.7 ? reason : null,
    before: action === "replica.update" || action === "user.update" ? { maxLagBytes: Math.floor(next() * 1e6), role: "standby" } : null,
    after: action === "replica.update" || action === "user.update" ? { maxLagBytes: Math.floor(next() * 1e7), role: "standby" } : null,
    details: { ticket, replica, lsn: `0/${Math.floor(next() * 0xffffffff).toString(16).toUpperCase()}` },
    runId,
    stepRunId: action === "run.step" ? `${runId}-step-${index % 12}` : null,
    policyVersionId: null,
    changeRequestId: null,
  };
}

const COLUMNS = ["seq", "at", "actorType", "actorId", "actorLabel", "sourceIp", "action", "targetType", "targetId", "serviceId", "outcome", "reason", "before", "after", "details", "runId", "stepRunId", "policyVersionId", "changeRequestId", "prevHash", "hash"] as const;
const TYPES = ["bigint", "timestamptz", '"ActorType"', "text", "text", "text", "text", "text", "text", "text", '"Outcome"', "text", "jsonb", "jsonb", "jsonb", "text", "text", "text", "text", "text", "text"];

/**
 * Appends `count` events spread over the last `days` days to the chain,
 * hashed exactly as the control plane hashes them (core/audit/chain.ts, with
 * the control plane's chain key, after its keyed first event), in
 * batches of one multi-row INSERT over unnest() each. Holds the chain's
 * append lock (session-level) meanwhile, so the control plane's own appends
 * wait rather than interleave.
 */
export async function seedAuditTrail(client: pg.PoolClient, key: ChainKey, count: number, days: number, batch = 10_000): Promise<{ first: number; last: number }> {
  await client.query(`SELECT pg_advisory_lock($1::bigint)`, [0x5357_4144]);
  try {
    const head = await client.query<{ seq: string; hash: string }>(`SELECT seq::text AS seq, hash FROM "AuditEvent" ORDER BY "AuditEvent".seq DESC LIMIT 1`);
    let chainHead: ChainHead | null = head.rows[0] ? { seq: BigInt(head.rows[0].seq), hash: head.rows[0].hash } : null;
    const first = Number(chainHead?.seq ?? 0n) + 1;
    const next = random(20261126);
    const now = Date.now() - 60_000;
    const unnest = COLUMNS.map((_, index) => `$${index + 1}::${TYPES[index] === "jsonb" ? "text" : TYPES[index]}[]`).join(", ");
    const select = COLUMNS.map((column, index) => (TYPES[index] === "jsonb" ? `"${column}"::jsonb` : `"${column}"`)).join(", ");
    const sql = `INSERT INTO "AuditEvent" (${COLUMNS.map((column) => `"${column}"`).join(", ")})
                 SELECT ${select} FROM unnest(${unnest}) AS t(${COLUMNS.map((column) => `"${column}"`).join(", ")})`;
    for (let offset = 0; offset < count; offset += batch) {
      const columns: unknown[][] = COLUMNS.map(() => []);
      for (let index = offset; index < Math.min(count, offset + batch); index++) {
        const event = chainAuditEvent(key, chainHead, body(index, count, days, now, next));
        chainHead = { seq: event.seq, hash: event.hash };
        COLUMNS.forEach((column, position) => {
          const value = event[column];
          columns[position]!.push(
            value === null ? null : typeof value === "bigint" ? value.toString() : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : value,
          );
        });
      }
      await client.query(sql, columns);
    }
    return { first, last: Number(chainHead?.seq ?? 0n) };
  } finally {
    await client.query(`SELECT pg_advisory_unlock($1::bigint)`, [0x5357_4144]);
  }
}
