import type pg from "pg";
import type { AgentCommandArgs } from "@/contracts/agent-commands";
import type { LocalServerConfig, ReplicationConfig } from "../config";
import { errorMessage } from "../error-message";
import { closeClient, newClient, within } from "../pg-client";
import type { CommandAnswer } from "./command-ledger";
import { failed, refused, succeeded, type CommandExecutor } from "./command-executor";
import { primaryConninfo } from "./primary-conninfo";
import { LocalServer } from "./rewind/local-server";
import { rewind } from "./rewind/rewind";
import type { VerifiedCommand } from "./verify-command";

export interface PostgresExecutorOptions {
  /** A role that may ALTER SYSTEM, pg_promote, pg_terminate_backend and CHECKPOINT (in practice a superuser). */
  connectionString: string;
  /** The standby's application_name towards its primary (synchronous_standby_names matches on it). */
  replicaName: string;
  replication: ReplicationConfig | null;
  /** The server's folder and binaries, for `rewind`. */
  server: LocalServerConfig | null;
}

const COMMAND_TIMEOUT_MS = 60_000;
/** Settings reach new sessions once the postmaster has reloaded, which takes milliseconds. */
const SETTING_VISIBLE_WITHIN_MS = 10_000;
const SESSIONS_GONE_WITHIN_MS = 10_000;
const POLL_MS = 50;
const READ_ONLY_SQL_TRANSACTION = "25006";

const CURRENT_LSN = "SELECT (pg_current_wal_lsn() - '0/0')::text AS lsn";
/**
 * The end of everything the server wrote, flushed or not (pg_current_wal_lsn
 * stops at what was written out): with synchronous_commit off a client is
 * told "committed" before its WAL is flushed, and a standby must get that far
 * before it may be promoted. The WAL writer flushes it within
 * wal_writer_delay, so standbys do get there.
 */
const INSERT_LSN = "SELECT (pg_current_wal_insert_lsn() - '0/0')::text AS lsn";
/** A standby's position: what it replayed, else (before the first replay) what it received. */
const REPLAY_LSN = "SELECT (coalesce(pg_last_wal_replay_lsn(), pg_last_wal_receive_lsn()) - '0/0')::text AS lsn";
/** The timeline as the WAL file name has it: pg_control_checkpoint() lags until the first checkpoint after a promotion. */
const TIMELINE_AND_LSN = `
  SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline,
         (pg_current_wal_lsn() - '0/0')::text AS lsn`;

type Args<K extends VerifiedCommand["kind"]> = AgentCommandArgs<K>;

/**
 * Commands as SQL against the local PostgreSQL, each on a connection of its
 * own that lives for that command only: commands are rare, and a fresh
 * session sees the server as it is now (role, settings) rather than as it was
 * when some long-lived connection began.
 */
export class PostgresExecutor implements CommandExecutor {
  constructor(private readonly options: PostgresExecutorOptions) {}

  async execute(command: VerifiedCommand): Promise<CommandAnswer> {
    if (command.kind === "repoint" && !this.options.replication) {
      return refused("the agent config has no replication credentials (replication.user, replication.password), so it cannot build primary_conninfo");
    }
    // Before any connection: the server may be down (a former primary that was killed).
    if (command.kind === "rewind") return this.rewind(command.args);
    const timeoutMs = command.kind === "promote" ? (command.args.waitSeconds + 30) * 1000 : COMMAND_TIMEOUT_MS;
    const client = newClient(this.options.connectionString, timeoutMs, "switchyard-agent-command");
    try {
      await within(client.connect(), timeoutMs, "connection to the local replica");
      switch (command.kind) {
        case "fence":
          return await this.fence(client, command.args);
        case "unfence":
          return await this.unfence(client);
        case "promote":
          return await this.promote(client, command.args);
        case "repoint":
          return await this.repoint(client, command.args, this.options.replication!);
        case "checkpoint":
          return await this.checkpoint(client);
        case "verify-write":
          return await this.verifyWrite(client, command.args);
      }
    } finally {
      await closeClient(client);
    }
  }

  /** Rewind stops and starts the server, so it manages its own connections. */
  private async rewind(args: Args<"rewind">): Promise<CommandAnswer> {
    const { server, replication, connectionString, replicaName } = this.options;
    if (!replication) return refused("the agent config has no replication credentials (replication.user, replication.password), so it cannot follow a primary");
    if (!server) return refused("the agent config has no server section (dataDir, binDir), so it cannot stop, rebuild and start its replica");
    return rewind(args, { server: new LocalServer(server), replication, replicaName, connectionString });
  }

  /**
   * Read-only by default for every session, then the end of every session
   * that began before: a reload changes the default for new transactions
   * only, and an open transaction could go on writing. Sessions are ended
   * only once new ones are known to start read-only, so none can slip in
   * between. Walsenders are not client backends: standbys keep streaming and
   * receive everything up to finalLsn.
   */
  private async fence(client: pg.Client, args: Args<"fence">): Promise<CommandAnswer> {
    if (await inRecovery(client)) {
      // A standby already refuses every write; its position is what it replayed.
      return succeeded({ finalLsn: await lsn(client, REPLAY_LSN), terminatedSessions: 0 });
    }
    await client.query("ALTER SYSTEM SET default_transaction_read_only = on");
    await client.query("SELECT pg_reload_conf()");
    const seen = await this.waitForReadOnlyDefault("on");
    if (seen !== "on") return failed(notVisible("on", seen));
    let terminatedSessions = 0;
    if (args.terminateSessions) {
      const { rows } = await client.query<{ pid: number; terminated: boolean }>(
        `SELECT pid, pg_terminate_backend(pid) AS terminated
         FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      const pids = rows.filter((row) => row.terminated).map((row) => row.pid);
      terminatedSessions = pids.length;
      const lingering = await this.waitUntilGone(client, pids);
      if (lingering > 0) return failed(`${lingering} of the ${pids.length} terminated sessions had not ended after ${SESSIONS_GONE_WITHIN_MS / 1000} s`);
    }
    // After the sessions are gone: nothing they wrote (not even the abort of an open transaction) can land past it.
    return succeeded({ finalLsn: await lsn(client, INSERT_LSN), terminatedSessions });
  }

  private async unfence(client: pg.Client): Promise<CommandAnswer> {
    const problem = await this.resetReadOnlyDefault(client);
    return problem ? failed(problem) : succeeded({});
  }

  /**
   * The promoted server must take writes: a standby cloned from a fenced
   * primary carries its default_transaction_read_only in
   * postgresql.auto.conf, so the fence is reset after the promotion. It also
   * commits without waiting for a synchronous standby: the ones its
   * configuration may name were chosen for an earlier topology (a former
   * primary reinstated here names the standby that replaced it, which is
   * fenced now) and would block every commit. Choosing the new synchronous
   * standbys is not automated yet.
   */
  private async promote(client: pg.Client, args: Args<"promote">): Promise<CommandAnswer> {
    if (!(await inRecovery(client))) return refused(`${this.options.replicaName} is already a primary; only a standby can be promoted`);
    const { rows } = await client.query<{ promoted: boolean }>("SELECT pg_promote(true, $1::int) AS promoted", [args.waitSeconds]);
    if (!rows[0]?.promoted) return failed(`the standby did not finish promoting within ${args.waitSeconds} s`);
    const position = await client.query<{ timeline: number; lsn: string }>(TIMELINE_AND_LSN);
    const { timeline, lsn: promotedLsn } = position.rows[0]!;
    await client.query("ALTER SYSTEM SET synchronous_standby_names = ''");
    const problem = await this.resetReadOnlyDefault(client);
    if (problem) return failed(`promoted, but it still refuses writes: ${problem}`, { timeline, lsn: promotedLsn });
    return succeeded({ timeline, lsn: promotedLsn });
  }

  /**
   * primary_slot_name is set to '' rather than reset when there is no slot:
   * a reset would fall back to postgresql.conf, which may name the old
   * primary's slot.
   */
  private async repoint(client: pg.Client, args: Args<"repoint">, replication: ReplicationConfig): Promise<CommandAnswer> {
    if (!(await inRecovery(client))) return refused(`${this.options.replicaName} is a primary; only a standby can be re-pointed`);
    const conninfo = primaryConninfo({ host: args.host, port: args.port }, replication, this.options.replicaName);
    await client.query(`ALTER SYSTEM SET primary_conninfo = ${client.escapeLiteral(conninfo)}`);
    await client.query(`ALTER SYSTEM SET primary_slot_name = ${client.escapeLiteral(args.slotName ?? "")}`);
    // Since PostgreSQL 13 a reload restarts the WAL receiver with the new settings.
    await client.query("SELECT pg_reload_conf()");
    return succeeded({ primaryHost: args.host, primaryPort: args.port, slotName: args.slotName });
  }

  private async checkpoint(client: pg.Client): Promise<CommandAnswer> {
    await client.query("CHECKPOINT");
    return succeeded({ lsn: await lsn(client, (await inRecovery(client)) ? REPLAY_LSN : CURRENT_LSN) });
  }

  /**
   * One write the way an application makes it: default transaction mode, no
   * READ WRITE override. The probe table keeps one row (each write deletes
   * the previous ones), so repeated checks do not grow it.
   */
  private async verifyWrite(client: pg.Client, args: Args<"verify-write">): Promise<CommandAnswer> {
    let outcome: { accepted: boolean; error: string | null };
    try {
      const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('switchyard_write_probe') IS NOT NULL AS exists");
      if (!rows[0]?.exists) await client.query("CREATE TABLE IF NOT EXISTS switchyard_write_probe (at timestamptz NOT NULL)");
      await client.query("WITH previous AS (DELETE FROM switchyard_write_probe) INSERT INTO switchyard_write_probe (at) VALUES (now())");
      outcome = { accepted: true, error: null };
    } catch (error) {
      if ((error as { code?: unknown }).code !== READ_ONLY_SQL_TRANSACTION) throw error;
      outcome = { accepted: false, error: errorMessage(error) };
    }
    const result = outcome.accepted ? "accepted" : "refused";
    if (result === args.expect) return succeeded(outcome);
    const detail = outcome.error ? `: ${outcome.error}` : "";
    return failed(`the write was expected to be ${args.expect}, but it was ${result}${detail}`, outcome);
  }

  /** Returns why the reset did not take effect, or null. */
  private async resetReadOnlyDefault(client: pg.Client): Promise<string | null> {
    await client.query("ALTER SYSTEM RESET default_transaction_read_only");
    await client.query("SELECT pg_reload_conf()");
    const seen = await this.waitForReadOnlyDefault("off");
    return seen === "off" ? null : notVisible("off", seen);
  }

  /**
   * What new sessions see, asked of new sessions until they see `expected`:
   * the reload is asynchronous, and the session that asked for it is not a
   * new one. Returns the last value seen.
   */
  private async waitForReadOnlyDefault(expected: "on" | "off"): Promise<string | null> {
    const deadline = Date.now() + SETTING_VISIBLE_WITHIN_MS;
    let seen: string | null = null;
    for (;;) {
      const probe = newClient(this.options.connectionString, SETTING_VISIBLE_WITHIN_MS, "switchyard-agent-command");
      try {
        await within(probe.connect(), SETTING_VISIBLE_WITHIN_MS, "connection to the local replica");
        seen = (await probe.query<{ value: string }>("SELECT current_setting('default_transaction_read_only') AS value")).rows[0]?.value ?? null;
      } finally {
        await closeClient(probe);
      }
      if (seen === expected || Date.now() > deadline) return seen;
      await sleep(POLL_MS);
    }
  }

  /** How many of `pids` are still running once they had their time to end. */
  private async waitUntilGone(client: pg.Client, pids: number[]): Promise<number> {
    if (pids.length === 0) return 0;
    const deadline = Date.now() + SESSIONS_GONE_WITHIN_MS;
    for (;;) {
      const { rows } = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM pg_stat_activity WHERE pid = ANY($1::int[])", [pids]);
      const remaining = rows[0]?.count ?? 0;
      if (remaining === 0 || Date.now() > deadline) return remaining;
      await sleep(POLL_MS);
    }
  }
}

async function inRecovery(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ in_recovery: boolean }>("SELECT pg_is_in_recovery() AS in_recovery");
  return rows[0]?.in_recovery === true;
}

async function lsn(client: pg.Client, query: string): Promise<string> {
  const value = (await client.query<{ lsn: string | null }>(query)).rows[0]?.lsn;
  if (!value) throw new Error("the server reported no WAL position");
  return value;
}

function notVisible(expected: string, seen: string | null): string {
  return (
    `new sessions still see default_transaction_read_only = ${seen ?? "(nothing)"} after ALTER SYSTEM and a reload, not ${expected}; ` +
    "it is probably set for the role or the database, which ALTER SYSTEM does not override"
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
