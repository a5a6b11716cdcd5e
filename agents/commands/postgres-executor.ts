import type pg from "pg";
import type { AgentCommandArgs } from "@/contracts/agent-commands";
import { decideRepointServer } from "@/core/agents/repoint-down-server";
import type { LocalServerFolders, ReplicationConfig } from "../config";
import { errorMessage } from "../error-message";
import { closeClient, connectWithin, newClient } from "../pg-client";
import { fenceServer, inRecovery, REPLAY_LSN, unfenceServer, walPosition } from "../primary-lease/server-fence";
import type { CommandAnswer } from "./command-ledger";
import { failed, refused, succeeded, type CommandExecutor } from "./command-executor";
import { primaryAddress, primaryConninfo } from "./primary-conninfo";
import { LocalServer } from "./rewind/local-server";
import { RebuildMarker } from "./rewind/rebuild-marker";
import { rewind } from "./rewind/rewind";
import { setSyncStandbys } from "./sync-standbys";
import { forkProblem, localPosition, primaryHistory } from "./timeline-fork";
import type { VerifiedCommand } from "./verify-command";

/** The server's major version, which is its libpq's: what primary_conninfo may ask of it. */
async function serverMajor(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ version: string }>("SHOW server_version_num");
  return Math.floor(Number(rows[0]?.version ?? 0) / 10_000);
}

export interface PostgresExecutorOptions {
  /** A role that may ALTER SYSTEM, pg_promote, pg_terminate_backend and CHECKPOINT (in practice a superuser). */
  connectionString: string;
  /** The standby's application_name towards its primary (synchronous_standby_names matches on it). */
  replicaName: string;
  replication: ReplicationConfig | null;
  /** The server's folder and binaries, for `rewind`. */
  server: LocalServerFolders | null;
  /** The agent's state folder, where a rebuild that began is remembered until it finishes (RebuildMarker); null keeps no such memory. */
  stateDir: string | null;
}

const COMMAND_TIMEOUT_MS = 60_000;
const READ_ONLY_SQL_TRANSACTION = "25006";

const CURRENT_LSN = "SELECT (pg_current_wal_lsn() - '0/0')::text AS lsn";
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
  private readonly marker: RebuildMarker | null;

  constructor(private readonly options: PostgresExecutorOptions) {
    this.marker = options.stateDir ? new RebuildMarker(options.stateDir) : null;
  }

  async execute(command: VerifiedCommand): Promise<CommandAnswer> {
    if (command.kind === "repoint" && !this.options.replication) {
      return refused("the agent config has no replication credentials (replication.user, replication.password), so it cannot build primary_conninfo");
    }
    // Scripts are the script runner's (agents/commands/script-runner.ts), which sees them first.
    if (command.kind === "script") return refused("this agent runs no scripts");
    // Before any connection: the server may be down (a former primary that was killed).
    if (command.kind === "rewind") return this.rewind(command.args);
    if (command.kind === "repoint") {
      const down = await this.repointDownServer(command.args);
      if (down) return down;
    }
    const timeoutMs = command.kind === "promote" ? (command.args.waitSeconds + 30) * 1000 : COMMAND_TIMEOUT_MS;
    const client = newClient(this.options.connectionString, timeoutMs, "switchyard-agent-command");
    try {
      await connectWithin(client, timeoutMs, "connection to the local replica");
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
        case "sync-standbys":
          return await setSyncStandbys(client, command.args, this.options.replicaName);
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
    return rewind(args, { server: new LocalServer(server), replication, replicaName, connectionString, marker: this.marker });
  }

  /** A repoint that rebuilds its standby (`rewind`) to follow the primary, answered as a repoint that says why. */
  private async rebuiltForRepoint(args: Args<"repoint">, reason: string): Promise<CommandAnswer> {
    const rebuilt = await this.rewind(args);
    if (rebuilt.status !== "succeeded") return { ...rebuilt, error: `${reason}, and rebuilding it failed: ${rebuilt.error}` };
    const output = rebuilt.output as { method: "pg_rewind" | "base-backup" | "following" };
    return succeeded({ primaryHost: args.host, primaryPort: args.port, slotName: args.slotName, rebuilt: { method: output.method, reason } });
  }

  /**
   * A repoint's answer when its server is down (core/agents/repoint-down-server.ts):
   * rebuilt again after a rebuild of this agent's left it down, or failed
   * without a connection attempt; null when the repoint connects as usual.
   */
  private async repointDownServer(args: Args<"repoint">): Promise<CommandAnswer | null> {
    const { server } = this.options;
    const unfinishedRebuild = this.marker?.read() ?? null;
    const rule = decideRepointServer({ serverSection: server !== null, running: server !== null && new LocalServer(server).isRunning(), unfinishedRebuild });
    if (rule.action === "repoint") return null;
    if (rule.action === "fail") return failed(`${this.options.replicaName}: ${rule.sentence} (no postmaster runs on ${server!.dataDir})`);
    return this.rebuiltForRepoint(args, `its server was down after a rebuild to follow ${unfinishedRebuild!.primary} (begun ${unfinishedRebuild!.startedAt}) did not finish`);
  }

  /** See fenceServer: the same fence the primary's lease keeper makes when its lease lapses. */
  private async fence(client: pg.Client, args: Args<"fence">): Promise<CommandAnswer> {
    const result = await fenceServer(client, this.options.connectionString, { terminateSessions: args.terminateSessions });
    return result.fenced ? succeeded({ finalLsn: result.finalLsn, terminatedSessions: result.terminatedSessions }) : failed(result.problem);
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
   * fenced now) and would block every commit. Runbooks name the new
   * synchronous standbys once they stream from it (`sync-standbys`).
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
    void this.checkpointAfterPromotion();
    return succeeded({ timeline, lsn: promotedLsn });
  }

  /**
   * pg_rewind reads its source's timeline from the control file, which names
   * the new timeline only after the first checkpoint since the promotion; the
   * server's own is spread over up to minutes. A standby that streamed past
   * the fork (an asynchronous one, ahead of the synchronous standby promoted)
   * and is rewound from this server before then is rewound to the wrong
   * timeline and cannot start (seen: "requested timeline 3 does not contain
   * minimum recovery point ... on timeline 1"). So an immediate checkpoint,
   * as PostgreSQL's pg_rewind documentation asks and Patroni does, on a
   * connection of its own after the answer, which it never delays. Should it
   * fail, the server's own checkpoint still comes, later.
   */
  private async checkpointAfterPromotion(): Promise<void> {
    const client = newClient(this.options.connectionString, COMMAND_TIMEOUT_MS, "switchyard-agent-command");
    try {
      await connectWithin(client, COMMAND_TIMEOUT_MS, "connection to the local replica");
      await client.query("CHECKPOINT");
    } catch {
      // Nothing waits on it: see above.
    } finally {
      await closeClient(client);
    }
  }

  /**
   * primary_slot_name is set to '' rather than reset when there is no slot:
   * a reset would fall back to postgresql.conf, which may name the old
   * primary's slot.
   */
  private async repoint(client: pg.Client, args: Args<"repoint">, replication: ReplicationConfig): Promise<CommandAnswer> {
    if (!(await inRecovery(client))) return refused(`${this.options.replicaName} is a primary; only a standby can be re-pointed`);
    const local = await localPosition(client);
    // The answer names the primary as the command did; the conninfo, the way this region reaches it.
    const conninfo = primaryConninfo(primaryAddress(args, replication), replication, this.options.replicaName, await serverMajor(client));
    await client.query(`ALTER SYSTEM SET primary_conninfo = ${client.escapeLiteral(conninfo)}`);
    await client.query(`ALTER SYSTEM SET primary_slot_name = ${client.escapeLiteral(args.slotName ?? "")}`);
    // Since PostgreSQL 13 a reload restarts the WAL receiver with the new settings.
    await client.query("SELECT pg_reload_conf()");
    const diverged = local ? await this.divergence(local, args, replication) : null;
    if (diverged) {
      // It holds WAL the new primary never had (its old primary wrote on after the fork): only a rebuild can make it follow.
      if (!this.options.server) return failed(`${this.options.replicaName} cannot follow ${args.host}:${args.port}: ${diverged}; it needs a rewind, and the agent config has no server section`);
      return this.rebuiltForRepoint(args, diverged);
    }
    // It follows as it was told: whatever rebuild of it this agent began and left is moot.
    this.marker?.finish();
    return succeeded({ primaryHost: args.host, primaryPort: args.port, slotName: args.slotName, rebuilt: null });
  }

  /**
   * Whether this standby went past the point where the new primary's timeline
   * forked from its own: it streamed from an old primary that wrote on after
   * the new one was promoted.
   */
  private async divergence(local: { timeline: number; lsn: bigint }, args: Args<"repoint">, replication: ReplicationConfig): Promise<string | null> {
    const primary = await primaryHistory({ ...primaryAddress(args, replication), user: replication.user, password: replication.password, tls: replication }, COMMAND_TIMEOUT_MS);
    return forkProblem(local.timeline, local.lsn, primary.timeline, primary.history);
  }

  private async checkpoint(client: pg.Client): Promise<CommandAnswer> {
    await client.query("CHECKPOINT");
    return succeeded({ lsn: await walPosition(client, (await inRecovery(client)) ? REPLAY_LSN : CURRENT_LSN) });
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
    const result = await unfenceServer(client, this.options.connectionString);
    return result.unfenced ? null : result.problem;
  }
}
