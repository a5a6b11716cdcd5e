import type pg from "pg";
import { benchReport, type BenchReplica } from "./dashboard-fleet";

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function post(url: string, path: string, bearer: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: "POST", headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}

/**
 * Registers an agent for every replica through `POST /api/v1/agents` and has
 * each post one simulated report through the ingest API, witnessing the
 * other replicas of its service: the agents, latest states and witness links
 * are what the product itself writes. Returns each replica's agent token.
 */
export async function enrollAndReport(url: string, adminToken: string, replicas: readonly BenchReplica[]): Promise<Map<string, string>> {
  const siblings = new Map<string, BenchReplica[]>();
  for (const replica of replicas) siblings.set(replica.serviceId, [...(siblings.get(replica.serviceId) ?? []), replica]);
  const tokens = new Map<string, string>();
  await inParallel(replicas, 8, async (replica) => {
    const response = await post(url, "/api/v1/agents", adminToken, { replicaId: replica.id, name: `agent-${replica.name}` });
    if (response.status !== 201) throw new Error(`registering the agent of ${replica.name}: ${response.status} ${await response.text()}`);
    tokens.set(replica.id, ((await response.json()) as { token: string }).token);
  });
  await inParallel(replicas, 8, async (replica) => {
    const report = benchReport(replica, siblings.get(replica.serviceId)!, 1);
    const response = await post(url, "/api/v1/agents/reports", tokens.get(replica.id)!, { sentAt: new Date().toISOString(), agentVersion: "bench", droppedReports: 0, reports: [report] });
    if (response.status !== 200) throw new Error(`the first report of ${replica.name}: ${response.status} ${await response.text()}`);
  });
  return tokens;
}

/**
 * What a reporting fleet keeps doing to the rows the control plane reads:
 * every benchmark replica's latest state, witness links and agent heartbeat
 * rewritten each second (a real service next to them, e.g. the lab's, is
 * left to its own agents)
 * (and, with `leases`, every benchmark primary's lease renewed), until
 * stopped. `pause()` stops the refresh without stopping the timer, as if
 * every agent went quiet at once.
 */
export function keepFresh(sql: pg.Pool, options: { leases?: boolean } = {}) {
  let refreshes = 0;
  let paused = false;
  let refreshing: Promise<void> | null = null;
  const refresh = async () => {
    await sql.query(`UPDATE "ReplicaState" SET "receivedAt" = now(), "observedAt" = now() WHERE "replicaId" IN (SELECT id FROM "Replica" WHERE "serviceId" LIKE 'bench-%')`);
    await sql.query(`UPDATE "WitnessLink" SET "receivedAt" = now(), "observedAt" = now() WHERE "fromReplicaId" IN (SELECT id FROM "Replica" WHERE "serviceId" LIKE 'bench-%')`);
    await sql.query(`UPDATE "Agent" SET "lastHeartbeatAt" = now() WHERE "replicaId" IN (SELECT id FROM "Replica" WHERE "serviceId" LIKE 'bench-%')`);
    // As a grant does: a renewal clears the record of a lapse.
    if (options.leases) await sql.query(`UPDATE "PrimaryLease" SET "renewedAt" = now(), "lapseRecordedAt" = NULL WHERE "serviceId" LIKE 'bench-%'`);
    refreshes++;
  };
  const timer = setInterval(() => {
    if (refreshing || paused) return;
    refreshing = refresh().finally(() => (refreshing = null));
  }, 1000);
  return {
    refreshes: () => refreshes,
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    async stop() {
      clearInterval(timer);
      await refreshing;
    },
  };
}

/** A granted lease for every benchmark service's primary, as its agent's renewals would keep it. */
export async function grantPrimaryLeases(sql: pg.Pool): Promise<number> {
  const result = await sql.query(`
    INSERT INTO "PrimaryLease" ("replicaId", "serviceId", epoch, "renewedAt", "periodMs", witnesses)
    SELECT r.id, s.id, s.epoch, now(), 5000,
           ARRAY(SELECT w.name FROM "Replica" w WHERE w."serviceId" = s.id AND w.id <> r.id AND w."regionId" <> r."regionId" ORDER BY w.name)
      FROM "Service" s JOIN "Replica" r ON r.id = s."writeReplicaId"
     WHERE s.id LIKE 'bench-%'
    ON CONFLICT ("replicaId") DO UPDATE SET "renewedAt" = EXCLUDED."renewedAt"`);
  return result.rowCount ?? 0;
}
