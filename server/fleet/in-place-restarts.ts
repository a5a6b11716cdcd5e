import "server-only";
import type { InPlaceRestartView } from "@/contracts/in-place-restarts";
import type { InPlaceRestartState } from "@/core/agents/in-place-restart";
import { db } from "../db/client";

/** How many of a service's latest in-place restarts its page lists. */
const SHOWN = 10;

/** A service's latest in-place restarts (or decisions to leave a crash to the failover), newest first, as its agents reported them. */
export async function recentInPlaceRestarts(serviceId: string): Promise<InPlaceRestartView[]> {
  const rows = await db().inPlaceRestart.findMany({ where: { serviceId }, orderBy: { heardAt: "desc" }, take: SHOWN });
  const names = new Map(
    (await db().replica.findMany({ where: { id: { in: [...new Set(rows.map((row) => row.replicaId))] } }, select: { id: true, name: true } })).map((replica) => [replica.id, replica.name]),
  );
  return rows.map((row) => ({
    id: row.id,
    replicaName: names.get(row.replicaId) ?? row.replicaId,
    state: row.state as InPlaceRestartState,
    rule: row.rule,
    detail: row.detail,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  }));
}
