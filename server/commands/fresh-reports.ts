import "server-only";
import { db } from "../db/client";

/** NOTIFY channel on which the run executor asks an agent (its id the payload) for a report now; its command poll answers `reportNow`. */
export const REPORT_WANTED_CHANNEL = "agent_report_wanted";

/** An agent is asked at most this often: a report takes a probe of its server and of its peers. */
const ASK_EVERY_MS = 200;
/** How soon the executor looks again at a step waiting on reports it asked for, instead of its next tick. */
export const REPORT_RECHECK_MS = 100;

const askedAt = new Map<string, number>();

/**
 * Asks the agents of these replicas for a report now (core FRESH_REPORT_RULES:
 * a step waits on what they report). Only a hint: an agent not polling at
 * that moment misses it and reports at its next interval, as it always does.
 */
export async function askForReports(replicaIds: Iterable<string>): Promise<void> {
  const now = Date.now();
  const due = [...new Set(replicaIds)].filter((replicaId) => now - (askedAt.get(replicaId) ?? 0) >= ASK_EVERY_MS);
  if (due.length === 0) return;
  for (const replicaId of due) askedAt.set(replicaId, now);
  if (askedAt.size > 10_000) for (const [replicaId, at] of askedAt) if (now - at > 60_000) askedAt.delete(replicaId);
  const agents = await db().agent.findMany({ where: { replicaId: { in: due }, revokedAt: null }, select: { id: true } });
  if (agents.length === 0) return;
  await db().$executeRaw`SELECT pg_notify(${REPORT_WANTED_CHANNEL}, id) FROM unnest(${agents.map((agent) => agent.id)}::text[]) AS id`;
}
