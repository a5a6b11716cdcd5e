import type pg from "pg";
import { readLedger } from "./ledger";
import { ledgerFile } from "./paths";
import { labEndpoint, withClient } from "./sql";
import { portOf, primaryOf, requireLabState } from "./state";
import { LAB_SERVICE_ID, findReplica, serviceOf, synchronousStandbysOf } from "./topology";

export interface LedgerCheck {
  replica: string;
  serviceId: string;
  /** Distinct ids in the ledger. */
  acknowledged: number;
  /** Acknowledged ids found in the service's strong table (`orders`, `payments`) on the replica. */
  present: number;
  /** Acknowledged ids missing on the replica. */
  lost: number;
  /** Ids that appear more than once in the ledger or in the replica's events table (`order_history`, `payment_events`). */
  duplicated: number;
  sampleLost: string[];
}

const BATCH = 10_000;
const SAMPLE = 10;
const REPLAY_WAIT_MS = 30_000;

/**
 * A synchronous standby confirms a commit once it has flushed the WAL, not
 * replayed it; what it holds becomes visible a moment later. Waits until it
 * has replayed everything it had received when the check began.
 */
async function awaitReplayOfReceived(client: pg.Client, replicaName: string): Promise<void> {
  const { rows } = await client.query<{ received: string | null }>(
    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()::text END AS received",
  );
  const received = rows[0]?.received;
  if (!received) return;
  const deadline = Date.now() + REPLAY_WAIT_MS;
  for (;;) {
    const caught = await client.query<{ done: boolean }>("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done", [received]);
    if (caught.rows[0]?.done) return;
    if (Date.now() > deadline) throw new Error(`${replicaName} did not replay up to ${received} within ${REPLAY_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The replica a `verify` without a region checks: the service's current primary's synchronous standby. */
export async function defaultVerifyReplica(dataDir: string, serviceId: string = LAB_SERVICE_ID): Promise<string> {
  const primary = primaryOf(await requireLabState(dataDir), serviceId);
  return synchronousStandbysOf(primary)[0]?.name ?? primary;
}

/**
 * Compares the ledger of acknowledged writes of the replica's service with
 * what the replica holds, in batches. A region id names orders-db's replica
 * there unless `serviceId` says otherwise.
 */
export async function verifyLedger(dataDir: string, replicaName: string, serviceId: string = LAB_SERVICE_ID): Promise<LedgerCheck> {
  const replica = findReplica(replicaName, serviceId);
  const { database, tables } = serviceOf(replica);
  const state = await requireLabState(dataDir);
  const seen = new Map<string, number>();
  for (const id of await readLedger(ledgerFile(dataDir, replica.serviceId))) seen.set(id, (seen.get(id) ?? 0) + 1);
  const duplicated = new Set([...seen].filter(([, count]) => count > 1).map(([id]) => id));
  const ids = [...seen.keys()];
  const lost: string[] = [];

  await withClient(labEndpoint(portOf(state, replica.name), state.password, database), async (client) => {
    await awaitReplayOfReceived(client, replica.name);
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = ids.slice(start, start + BATCH);
      const missing = await client.query<{ id: string }>(
        `SELECT l.id FROM unnest($1::text[]) AS l(id) WHERE NOT EXISTS (SELECT 1 FROM ${tables.strong} o WHERE o.id = l.id)`,
        [batch],
      );
      lost.push(...missing.rows.map((row) => row.id));
      const twice = await client.query<{ id: string }>(
        `SELECT ${tables.reference} AS id FROM ${tables.events} WHERE ${tables.reference} = ANY($1::text[]) GROUP BY ${tables.reference} HAVING count(*) > 1`,
        [batch],
      );
      for (const row of twice.rows) duplicated.add(row.id);
    }
  });

  return {
    replica: replica.name,
    serviceId: replica.serviceId,
    acknowledged: ids.length,
    present: ids.length - lost.length,
    lost: lost.length,
    duplicated: duplicated.size,
    sampleLost: lost.slice(0, SAMPLE),
  };
}
