import "server-only";
import type { AgentReport } from "@/contracts/agent-reports";
import type { PromotionEvidence, ReportedPositions } from "@/core/runbooks/promotion-checks";
import type { RunContext } from "@/core/runbooks/run-context";
import { bigintOf } from "@/core/lsn";
import { db } from "../db/client";
import type { ReplicaState } from "../db/generated/client";

const positionsOf = (replica: string, state: Pick<ReplicaState, "receivedAt" | "timeline" | "currentLsn" | "receivedLsn" | "replayedLsn">): ReportedPositions => ({
  replica,
  receivedAt: state.receivedAt,
  timeline: state.timeline,
  currentLsn: state.currentLsn,
  receivedLsn: state.receivedLsn,
  replayedLsn: state.replayedLsn,
});

/** The timeline a standby's WAL receiver streams; null unless it streams (starting, it may show none yet). */
function streamingTimeline(report: AgentReport): number | null {
  return report.walReceiver?.status === "streaming" ? report.walReceiver.receivedTli : null;
}

/**
 * The target's flushed position as the primary's side saw it: its server's
 * account when it keeps one per replica (pg_stat_replication), else its
 * agent's own read of the target server over the witness connection (a
 * MariaDB primary keeps none). Never the target agent's report.
 */
function targetFlush(report: AgentReport, row: AgentReport["standbys"][number] | undefined, target: string): NonNullable<PromotionEvidence["primaryServing"]>["targetFlush"] {
  const flushed = bigintOf(row?.flushLsn ?? null);
  if (flushed !== null) return { lsn: flushed, witness: "primary-replication-view" };
  const read = bigintOf(report.peers.find((peer) => peer.replica === target && peer.reachable)?.received?.lsn ?? null);
  return read === null ? null : { lsn: read, witness: "primary-agent-read" };
}

/** The primary's last report as a primary: whether its server listed the target, and the target's position as its side saw it. */
function servingPositions(primary: string, target: string, report: AgentReport, receivedAt: Date): PromotionEvidence["primaryServing"] {
  if (report.role !== "primary") return null;
  const row = report.standbys.find((standby) => standby.applicationName === target);
  return {
    replica: primary,
    receivedAt,
    timeline: report.timeline,
    currentLsn: bigintOf(report.lsn.current),
    receivedLsn: null,
    replayedLsn: null,
    listsTarget: row !== undefined,
    targetFlush: targetFlush(report, row, target),
  };
}

/**
 * A MariaDB promotion's positions as GTIDs, for its proof: the fence's
 * `finalGtid` and the target's received (Gtid_IO_Pos) and applied
 * (gtid_slave_pos) positions. Null when neither side speaks GTIDs.
 */
function gtidNotation(targetReport: AgentReport | undefined, fenceOutput: unknown): PromotionEvidence["notation"] | null {
  const finalGtid = typeof fenceOutput === "object" && fenceOutput !== null && "finalGtid" in fenceOutput && typeof fenceOutput.finalGtid === "string" ? fenceOutput.finalGtid : null;
  const gtids = targetReport?.mariadb;
  if (finalGtid === null && !gtids) return null;
  return { fencedFinal: finalGtid, targetReceived: gtids?.gtidIoPos ?? null, targetApplied: gtids?.gtidSlavePos ?? null };
}

/**
 * Each replica's latest report among those received before `cutoff`, from
 * agents that are not revoked (a stolen token's reports corroborate nothing).
 */
async function reportsBefore(serviceId: string, cutoff: Date): Promise<ReportedPositions[]> {
  const rows = await db().$queryRaw<(Omit<ReportedPositions, "replica"> & { name: string })[]>`
    SELECT r.name, s."receivedAt", s.timeline, s."currentLsn", s."receivedLsn", s."replayedLsn"
      FROM "Replica" r
      CROSS JOIN LATERAL (
        SELECT s.* FROM "Sample" s JOIN "Agent" a ON a.id = s."agentId" AND a."revokedAt" IS NULL
         WHERE s."replicaId" = r.id AND s.reachable AND s."receivedAt" < ${cutoff}
         -- The latest measurement, by the (replicaId, observedAt) index; reports of one millisecond by the order they were stored in.
         ORDER BY s."observedAt" DESC, s.id DESC LIMIT 1) s
     WHERE r."serviceId" = ${serviceId} AND r."retiredAt" IS NULL`;
  return rows.map(({ name, ...positions }) => ({ replica: name, ...positions }));
}

/**
 * What the promotion's cross-checks read (core/runbooks/promotion-checks):
 * the target's and the primary's latest reports from their active agents,
 * and, when the run fenced the primary, the fence's answer and every
 * replica's last report from before the fence command reached the agent.
 */
export async function promotionEvidence(run: { id: string; serviceId: string }, context: RunContext): Promise<PromotionEvidence | { problem: string }> {
  const ids = [context.primaryId, context.targetId].filter((id) => id !== null);
  const [replicas, states, fence] = await Promise.all([
    db().replica.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    db().replicaState.findMany({ where: { replicaId: { in: ids } } }),
    context.fencedLsn === null ? null : db().agentCommand.findFirst({ where: { runId: run.id, kind: "fence", status: "succeeded" }, orderBy: { completedAt: "desc" } }),
  ]);
  const nameOf = (id: string | null) => replicas.find((replica) => replica.id === id)?.name ?? null;
  const primary = nameOf(context.primaryId);
  const target = nameOf(context.targetId);
  if (!primary || !target) return { problem: "the run has no primary or no target to cross-check a promotion against" };
  const active = new Set((await db().agent.findMany({ where: { id: { in: states.map((state) => state.agentId) }, revokedAt: null }, select: { id: true } })).map((agent) => agent.id));
  const stateOf = (id: string | null) => states.find((state) => state.replicaId === id && active.has(state.agentId)) ?? null;

  const targetState = stateOf(context.targetId);
  const primaryState = stateOf(context.primaryId);
  const serving = primaryState?.lastServingReport as AgentReport | null | undefined;
  const notation = gtidNotation(targetState?.report as AgentReport | undefined, fence?.output);
  return {
    ...(notation ? { notation } : {}),
    primary,
    target,
    targetReport: targetState
      ? { ...positionsOf(target, targetState), streamingTimeline: streamingTimeline(targetState.report as AgentReport) }
      : null,
    primaryServing: serving && primaryState?.lastServingAt ? servingPositions(primary, target, serving, primaryState.lastServingAt) : null,
    fence:
      context.fencedLsn === null
        ? null
        : { finalLsn: BigInt(context.fencedLsn), before: fence ? await reportsBefore(run.serviceId, fence.deliveredAt ?? fence.createdAt) : [] },
  };
}
