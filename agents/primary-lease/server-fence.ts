import type pg from "pg";
import { closeClient, connectWithin, newClient } from "../pg-client";
import { inFenceTurn } from "./fence-turn";
import type { UnfenceResult } from "./lease-server";

/**
 * Fencing the local PostgreSQL (making it refuse writes) and undoing it,
 * shared by the `fence`/`unfence` commands and the primary's self-fencing
 * lease keeper, in the turn every change of the read-only state takes
 * (fence-turn.ts).
 */

/** Settings reach new sessions once the postmaster has reloaded, which takes milliseconds. */
const SETTING_VISIBLE_WITHIN_MS = 10_000;
const SESSIONS_GONE_WITHIN_MS = 10_000;
const POLL_MS = 50;

/**
 * The end of everything the server wrote, flushed or not (pg_current_wal_lsn
 * stops at what was written out): with synchronous_commit off a client is
 * told "committed" before its WAL is flushed, and a standby must get that far
 * before it may be promoted. The WAL writer flushes it within
 * wal_writer_delay, so standbys do get there.
 */
const INSERT_LSN = "SELECT (pg_current_wal_insert_lsn() - '0/0')::text AS lsn";
/** A standby's position: what it replayed, else (before the first replay) what it received. */
export const REPLAY_LSN = "SELECT (coalesce(pg_last_wal_replay_lsn(), pg_last_wal_receive_lsn()) - '0/0')::text AS lsn";

export type FenceResult =
  | {
      fenced: true;
      finalLsn: string;
      terminatedSessions: number;
      /** New transactions were read-only already (a standby, an earlier fence, or a setting nobody here made). */
      wasReadOnly: boolean;
    }
  | { fenced: false; problem: string };


/**
 * Read-only by default for every session, then the end of every session
 * that began before: a reload changes the default for new transactions
 * only, and an open transaction could go on writing. Sessions are ended
 * only once new ones are known to start read-only, so none can slip in
 * between. Walsenders are not client backends: standbys keep streaming and
 * receive everything up to finalLsn. `client` is a session of its own on the
 * server; `connectionString` opens the new sessions that check the setting.
 */
export function fenceServer(client: pg.Client, connectionString: string, options: { terminateSessions: boolean }): Promise<FenceResult> {
  return inFenceTurn(async () => {
    if (await inRecovery(client)) {
      // A standby already refuses every write; its position is what it replayed.
      return { fenced: true, finalLsn: await walPosition(client, REPLAY_LSN), terminatedSessions: 0, wasReadOnly: true };
    }
    const wasReadOnly = (await readOnlyDefault(client)) === "on";
    await client.query("ALTER SYSTEM SET default_transaction_read_only = on");
    await client.query("SELECT pg_reload_conf()");
    const seen = await waitForReadOnlyDefault(connectionString, "on");
    if (seen !== "on") return { fenced: false, problem: notVisible("on", seen) };
    let terminatedSessions = 0;
    if (options.terminateSessions) {
      const { rows } = await client.query<{ pid: number; terminated: boolean }>(
        `SELECT pid, pg_terminate_backend(pid) AS terminated
         FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      const pids = rows.filter((row) => row.terminated).map((row) => row.pid);
      terminatedSessions = pids.length;
      const lingering = await waitUntilGone(client, pids);
      if (lingering > 0) return { fenced: false, problem: `${lingering} of the ${pids.length} terminated sessions had not ended after ${SESSIONS_GONE_WITHIN_MS / 1000} s` };
    }
    // After the sessions are gone: nothing they wrote (not even the abort of an open transaction) can land past it.
    return { fenced: true, finalLsn: await walPosition(client, INSERT_LSN), terminatedSessions, wasReadOnly };
  });
}

/**
 * Resets the fence (back to the server's configured default). `unless`,
 * asked in this change's turn, may call it off with a reason: what it reads
 * then cannot change until the reset is done.
 */
export function unfenceServer(client: pg.Client, connectionString: string, unless: () => string | null = () => null): Promise<UnfenceResult> {
  return inFenceTurn(async () => {
    const reason = unless();
    if (reason) return { unfenced: false, problem: reason, calledOff: true };
    await client.query("ALTER SYSTEM RESET default_transaction_read_only");
    await client.query("SELECT pg_reload_conf()");
    const seen = await waitForReadOnlyDefault(connectionString, "off");
    return seen === "off" ? { unfenced: true } : { unfenced: false, problem: notVisible("off", seen), calledOff: false };
  });
}

export async function inRecovery(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ in_recovery: boolean }>("SELECT pg_is_in_recovery() AS in_recovery");
  return rows[0]?.in_recovery === true;
}

export async function walPosition(client: pg.Client, query: string): Promise<string> {
  const value = (await client.query<{ lsn: string | null }>(query)).rows[0]?.lsn;
  if (!value) throw new Error("the server reported no WAL position");
  return value;
}

async function readOnlyDefault(client: pg.Client): Promise<string | null> {
  return (await client.query<{ value: string }>("SELECT current_setting('default_transaction_read_only') AS value")).rows[0]?.value ?? null;
}

/**
 * What new sessions see, asked of new sessions until they see `expected`:
 * the reload is asynchronous, and the session that asked for it is not a
 * new one. Returns the last value seen.
 */
async function waitForReadOnlyDefault(connectionString: string, expected: "on" | "off"): Promise<string | null> {
  const deadline = Date.now() + SETTING_VISIBLE_WITHIN_MS;
  let seen: string | null = null;
  for (;;) {
    const probe = newClient(connectionString, SETTING_VISIBLE_WITHIN_MS, "switchyard-agent-command");
    try {
      await connectWithin(probe, SETTING_VISIBLE_WITHIN_MS, "connection to the local replica");
      seen = await readOnlyDefault(probe);
    } finally {
      await closeClient(probe);
    }
    if (seen === expected || Date.now() > deadline) return seen;
    await sleep(POLL_MS);
  }
}

/** How many of `pids` are still running once they had their time to end. */
async function waitUntilGone(client: pg.Client, pids: number[]): Promise<number> {
  if (pids.length === 0) return 0;
  const deadline = Date.now() + SESSIONS_GONE_WITHIN_MS;
  for (;;) {
    const { rows } = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM pg_stat_activity WHERE pid = ANY($1::int[])", [pids]);
    const remaining = rows[0]?.count ?? 0;
    if (remaining === 0 || Date.now() > deadline) return remaining;
    await sleep(POLL_MS);
  }
}

function notVisible(expected: string, seen: string | null): string {
  return (
    `new sessions still see default_transaction_read_only = ${seen ?? "(nothing)"} after ALTER SYSTEM and a reload, not ${expected}; ` +
    "it is probably set for the role or the database, which ALTER SYSTEM does not override"
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
