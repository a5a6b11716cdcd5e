import type { AgentCommandArgs, ErrantTransactions } from "@/contracts/agent-commands";
import type { ReplicationConfig } from "../config";
import { errorMessage } from "../error-message";
import { within } from "../pg-client";
import type { CommandAnswer } from "../commands/command-ledger";
import { failed, refused, succeeded, type CommandExecutor } from "../commands/command-executor";
import type { VerifiedCommand } from "../commands/verify-command";
import { closeMariadb, connectMariadb, rowsOf, type MariadbConnection } from "./client";
import { errantByPosition, formatGtidPosition, seqIn, type Gtid } from "./gtid";
import { REPLICA_HOSTS_SQL, type ReplicaHostRow } from "./probe-queries";
import { rebuildFrom } from "./rebuild";
import { fenceMariadb, unfenceMariadb } from "./server-fence";
import { connectionNameSql, follow, primaryPositions, replicaConnection, serverPositions, STATEMENT_TIMEOUT_MS, type ServerPositions } from "./replica-control";

export interface MariadbExecutorOptions {
  /** A user that may SET GLOBAL, KILL, STOP/START/RESET SLAVE and CHANGE MASTER (in practice one with ALL PRIVILEGES). */
  connectionString: string;
  /** The monitoring user's: without READ_ONLY ADMIN, read_only applies to it as to an application (verify-write). */
  applicationConnectionString: string;
  replicaName: string;
  replication: ReplicationConfig | null;
  /** Where a rebuild dumps the server's own databases first; none: a rebuild is refused. */
  formerDataDir: string | null;
}

type Args<K extends VerifiedCommand["kind"]> = AgentCommandArgs<K>;

/** ER_OPTION_PREVENTS_STATEMENT: "running with the --read-only option". */
const READ_ONLY_REFUSAL = 1290;

const position = (positions: ServerPositions, gtids: Gtid[]) => seqIn(gtids, positions.domain) ?? "0";

/** The newer of two positions of one domain: a server without log_slave_updates keeps what it replicated out of its binlog. */
function newest(positions: ServerPositions): string {
  const binlog = BigInt(position(positions, positions.binlog));
  const slave = BigInt(position(positions, positions.slave));
  return String(binlog > slave ? binlog : slave);
}

/**
 * The commands of agent-commands.ts against a MariaDB server with GTID
 * replication, with the same meaning as PostgresExecutor's: read_only is
 * MariaDB's fence (Switchyard's MariaDB servers start read-only, and only a
 * promotion or an unfence makes one writable), RESET SLAVE ALL its
 * promotion, CHANGE MASTER … MASTER_USE_GTID=slave_pos its repoint, and a
 * GTID comparison decides whether a former primary can rejoin.
 */
export class MariadbExecutor implements CommandExecutor {
  constructor(private readonly options: MariadbExecutorOptions) {}

  async execute(command: VerifiedCommand): Promise<CommandAnswer> {
    if (command.kind === "script") return refused("this agent runs no scripts");
    if ((command.kind === "repoint" || command.kind === "rewind") && !this.options.replication) {
      return refused("the agent config has no replication credentials (replication.user, replication.password), so it cannot follow a primary");
    }
    if (command.kind === "verify-write") return this.verifyWrite(command.args);
    const timeoutMs = command.kind === "promote" ? (command.args.waitSeconds + 30) * 1000 : STATEMENT_TIMEOUT_MS;
    const connection = await within(connectMariadb(this.options.connectionString, timeoutMs), timeoutMs, "connection to the local replica");
    try {
      switch (command.kind) {
        case "fence":
          return await this.fence(connection, command.args);
        case "unfence":
          return await this.unfence(connection);
        case "promote":
          return await this.promote(connection, command.args);
        case "repoint":
          return await this.repoint(connection, command.args, this.options.replication!);
        case "rewind":
          return await this.rejoin(connection, command.args, this.options.replication!);
        case "checkpoint":
          return await this.checkpoint(connection);
        case "sync-standbys":
          return await this.semiSyncReplicas(connection, command.args);
      }
    } finally {
      await closeMariadb(connection);
    }
  }

  /** See fenceMariadb: the same fence the primary's lease keeper makes when its lease lapses. */
  private async fence(connection: MariadbConnection, args: Args<"fence">): Promise<CommandAnswer> {
    const { terminatedSessions, positions } = await fenceMariadb(connection, { terminateSessions: args.terminateSessions });
    return succeeded({ finalLsn: newest(positions), terminatedSessions, finalGtid: positions.binlogText });
  }

  /** A replica stays read-only: only a primary is unfenced. */
  private async unfence(connection: MariadbConnection): Promise<CommandAnswer> {
    const result = await unfenceMariadb(connection, this.options.replicaName);
    return result.unfenced ? succeeded({}) : refused(result.problem);
  }

  /**
   * Stops receiving, applies everything the relay log holds (MASTER_GTID_WAIT
   * on what the IO thread received), then forgets the primary and takes
   * writes. What it received and applied is in the answer: the GTIDs the
   * zero-loss proof compares with the fenced primary's final position.
   * Like a promoted PostgreSQL standby, it commits without waiting for a
   * replica until runbooks name its semi-synchronous ones (`sync-standbys`)
   * once they follow it.
   */
  private async promote(connection: MariadbConnection, args: Args<"promote">): Promise<CommandAnswer> {
    const row = await replicaConnection(connection);
    if (!row) return refused(`${this.options.replicaName} is already a primary; only a replica can be promoted`);
    const name = connectionNameSql(connection, row);
    await rowsOf(connection, `STOP SLAVE ${name} IO_THREAD`, STATEMENT_TIMEOUT_MS);
    const stopped = await replicaConnection(connection);
    const received = stopped?.Gtid_IO_Pos ?? "";
    if (stopped?.Slave_SQL_Running !== "Yes") await rowsOf(connection, `START SLAVE ${name} SQL_THREAD`, STATEMENT_TIMEOUT_MS);
    const waitSql = "SELECT MASTER_GTID_WAIT(?, ?) AS waited";
    const [wait] = await rowsOf<{ waited: string | number }>(connection, waitSql, (args.waitSeconds + 5) * 1000, [received, args.waitSeconds]);
    if (Number(wait?.waited) !== 0) {
      const sqlError = (await replicaConnection(connection))?.Last_SQL_Error;
      return failed(`the replica did not apply what it received (${received || "nothing"}) within ${args.waitSeconds} s${sqlError ? `: ${sqlError}` : ""}; it was not promoted`);
    }
    await rowsOf(connection, `STOP SLAVE ${name}`, STATEMENT_TIMEOUT_MS);
    await rowsOf(connection, `RESET SLAVE ${name} ALL`, STATEMENT_TIMEOUT_MS);
    await rowsOf(connection, "SET GLOBAL rpl_semi_sync_master_enabled = OFF", STATEMENT_TIMEOUT_MS);
    await rowsOf(connection, "SET GLOBAL read_only = OFF", STATEMENT_TIMEOUT_MS);
    const positions = await serverPositions(connection);
    return succeeded({ timeline: null, lsn: newest(positions), gtid: { received, applied: positions.slaveText } });
  }

  /**
   * A replica follows another primary. One that holds GTIDs the new primary's
   * history does not (it received writes its old primary made after the new
   * one was promoted) is handled as a former primary is: refused, or rebuilt
   * when the service's policy says so.
   */
  private async repoint(connection: MariadbConnection, args: Args<"repoint">, replication: ReplicationConfig): Promise<CommandAnswer> {
    const row = await replicaConnection(connection);
    if (!row) return refused(`${this.options.replicaName} is a primary; only a replica can be re-pointed`);
    await rowsOf(connection, `STOP SLAVE ${connectionNameSql(connection, row)}`, STATEMENT_TIMEOUT_MS);
    const outcome = await this.followChecked(connection, args, replication);
    const answer = { primaryHost: args.host, primaryPort: args.port, slotName: args.slotName };
    if (outcome.status === "following") return succeeded({ ...answer, rebuilt: null });
    if (outcome.status === "rebuilt") return succeeded({ ...answer, rebuilt: { method: "logical-copy", reason: outcome.reason } });
    return outcome.answer;
  }

  /**
   * A former primary becomes a replica of the new one. Its own writes
   * (gtid_binlog_pos) become its replication position; if the new primary's
   * history does not hold them all (errant GTIDs) it is not rejoined
   * silently: refused, or rebuilt when the service's policy says so (the
   * command's signed errantTransactions), its old data dumped aside first.
   */
  private async rejoin(connection: MariadbConnection, args: Args<"rewind">, replication: ReplicationConfig): Promise<CommandAnswer> {
    const started = Date.now();
    await rowsOf(connection, "SET GLOBAL read_only = ON", STATEMENT_TIMEOUT_MS);
    const row = await replicaConnection(connection);
    if (row) await rowsOf(connection, `STOP SLAVE ${connectionNameSql(connection, row)}`, STATEMENT_TIMEOUT_MS);
    // What it wrote as a primary is what it holds: from there it asks the new primary for more.
    await rowsOf(connection, "SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos", STATEMENT_TIMEOUT_MS);
    const outcome = await this.followChecked(connection, args, replication);
    const durationMs = Date.now() - started;
    if (outcome.status === "following") return succeeded({ method: "following", timeline: null, bytes: null, durationMs, formerDataKeptAt: null, note: null });
    if (outcome.status === "rebuilt") return succeeded({ method: "logical-copy", timeline: null, bytes: outcome.bytes, durationMs, formerDataKeptAt: outcome.keptAt, note: outcome.reason });
    return outcome.answer;
  }

  /** Follows the primary at host:port after comparing GTIDs; errant ones are refused or rebuilt as the command (the service's policy) says. */
  private async followChecked(
    connection: MariadbConnection,
    { errantTransactions, ...target }: { host: string; port: number; errantTransactions: ErrantTransactions },
    replication: ReplicationConfig,
  ): Promise<{ status: "following" } | { status: "rebuilt"; reason: string; bytes: number; keptAt: string } | { status: "not-following"; answer: CommandAnswer }> {
    // A replica's commits (what it applies) must not wait for replicas of its own.
    await rowsOf(connection, "SET GLOBAL rpl_semi_sync_master_enabled = OFF", STATEMENT_TIMEOUT_MS);
    const local = await serverPositions(connection);
    const primary = await primaryPositions(target, replication);
    const errant = errantByPosition(local.binlog, primary.binlog);
    const primaryText = primary.binlogText || "empty";
    let reason: string;
    // The proof, for the audit trail: the GTIDs found errant, how, and both positions compared.
    let errantGtids: { errant: string; provenBy: "position" | "primary-binlog"; formerPosition: string; primaryPosition: string };
    if (errant.length > 0) {
      reason = `it holds transactions the primary at ${target.host}:${target.port} does not: its GTIDs ${formatGtidPosition(errant)} are not in the primary's history (${primaryText})`;
      errantGtids = { errant: formatGtidPosition(errant), provenBy: "position", formerPosition: local.binlogText, primaryPosition: primary.binlogText };
    } else {
      const outcome = await follow(connection, target, replication);
      if (outcome.state === "streaming") return { status: "following" };
      if (outcome.state === "failing") return { status: "not-following", answer: failed(`${this.options.replicaName} does not follow ${target.host}:${target.port}: ${outcome.message}`) };
      reason = `it holds transactions the primary at ${target.host}:${target.port} does not: its GTIDs ${local.binlogText} are not in the primary's binlog (${primaryText}), which refused them as errant GTIDs: ${outcome.message}`;
      errantGtids = { errant: local.binlogText, provenBy: "primary-binlog", formerPosition: local.binlogText, primaryPosition: primary.binlogText };
    }
    await this.standAlone(connection);
    // Only an explicit rebuild discards anything.
    if (errantTransactions !== "rebuild") {
      return {
        status: "not-following",
        answer: refused(
          `${this.options.replicaName} was not rejoined: ${reason}. It stays read-only, replicates from none and keeps its data, as the service's policy says (failover.errantTransactions: refuse). ` +
            "Recover what those transactions wrote (mariadb-binlog on its binary logs), then rebuild it from the primary: " +
            'propose a change request setting the policy\'s failover.errantTransactions to "rebuild" and, once it is approved and applied, run reinstate-former-primary ' +
            "(its data is dumped first to its agent config's formerDataDir)",
          { errantGtids },
        ),
      };
    }
    if (!this.options.formerDataDir) {
      return {
        status: "not-following",
        answer: refused(
          `${this.options.replicaName} was not rebuilt, though the service's policy says rebuild: ${reason}, and its agent config names no formerDataDir to dump its old data to first; ` +
            "give its agent a folder for it (switchyard-agent configure --former-data-dir <folder> for an enrolled agent, replica.formerDataDir in a config file), restart the agent and run reinstate-former-primary",
          { errantGtids },
        ),
      };
    }
    const rebuilt = await rebuildFrom(connection, { target, replication, localConnectionString: this.options.connectionString, formerDataDir: this.options.formerDataDir, replicaName: this.options.replicaName });
    const outcome = await follow(connection, target, replication);
    if (outcome.state !== "streaming") return { status: "not-following", answer: failed(`${this.options.replicaName} was rebuilt (its old data is in ${rebuilt.keptAt}) but does not follow ${target.host}:${target.port}: ${outcome.message}`) };
    return { status: "rebuilt", reason, bytes: rebuilt.bytes, keptAt: rebuilt.keptAt };
  }

  /** Replicates from none: a refused or failed attempt leaves nothing half-configured. */
  private async standAlone(connection: MariadbConnection): Promise<void> {
    const row = await replicaConnection(connection);
    if (!row) return;
    const name = connectionNameSql(connection, row);
    await rowsOf(connection, `STOP SLAVE ${name}`, STATEMENT_TIMEOUT_MS);
    await rowsOf(connection, `RESET SLAVE ${name} ALL`, STATEMENT_TIMEOUT_MS);
  }

  /** InnoDB's redo log to disk; the position after it. */
  private async checkpoint(connection: MariadbConnection): Promise<CommandAnswer> {
    await rowsOf(connection, "FLUSH ENGINE LOGS", STATEMENT_TIMEOUT_MS);
    return succeeded({ lsn: newest(await serverPositions(connection)) });
  }

  /**
   * MariaDB's primary waits for the first acknowledgement of any replica that
   * has rpl_semi_sync_slave_enabled (it cannot be told which): naming
   * replicas turns semi-synchronous commits on (AFTER_SYNC: a commit is
   * visible only once a replica has it) when one of them is connected now
   * (SHOW SLAVE HOSTS, by their report_host), as PostgreSQL's names only
   * those that stream: with none connected every commit would first wait
   * out rpl_semi_sync_master_timeout (a former primary not yet reinstated).
   * Naming none, or none connected, turns them off.
   */
  private async semiSyncReplicas(connection: MariadbConnection, args: Args<"sync-standbys">): Promise<CommandAnswer> {
    if (await replicaConnection(connection)) return refused(`${this.options.replicaName} replicates from a primary; semi-synchronous replicas are named on the primary`);
    const connected = new Set((await rowsOf<ReplicaHostRow>(connection, REPLICA_HOSTS_SQL, STATEMENT_TIMEOUT_MS)).map((host) => host.Host));
    const streaming = args.names.filter((name) => connected.has(name));
    if (streaming.length > 0) {
      await rowsOf(connection, "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC", STATEMENT_TIMEOUT_MS);
      await rowsOf(connection, "SET GLOBAL rpl_semi_sync_master_enabled = ON", STATEMENT_TIMEOUT_MS);
    } else {
      await rowsOf(connection, "SET GLOBAL rpl_semi_sync_master_enabled = OFF", STATEMENT_TIMEOUT_MS);
    }
    return succeeded({ synchronousStandbyNames: streaming.join(","), streaming });
  }

  /** One write as an application makes it: as the monitoring user, to whom read_only applies. */
  private async verifyWrite(args: Args<"verify-write">): Promise<CommandAnswer> {
    const connection = await connectMariadb(this.options.applicationConnectionString, STATEMENT_TIMEOUT_MS);
    let outcome: { accepted: boolean; error: string | null };
    try {
      await rowsOf(connection, "CREATE TABLE IF NOT EXISTS switchyard_write_probe (at DATETIME(6) NOT NULL) ENGINE = InnoDB", STATEMENT_TIMEOUT_MS);
      await rowsOf(connection, "DELETE FROM switchyard_write_probe", STATEMENT_TIMEOUT_MS);
      await rowsOf(connection, "INSERT INTO switchyard_write_probe (at) VALUES (NOW(6))", STATEMENT_TIMEOUT_MS);
      outcome = { accepted: true, error: null };
    } catch (error) {
      if ((error as { errno?: unknown }).errno !== READ_ONLY_REFUSAL) throw error;
      outcome = { accepted: false, error: errorMessage(error) };
    } finally {
      await closeMariadb(connection);
    }
    const result = outcome.accepted ? "accepted" : "refused";
    if (result === args.expect) return succeeded(outcome);
    return failed(`the write was expected to be ${args.expect}, but it was ${result}${outcome.error ? `: ${outcome.error}` : ""}`, outcome);
  }
}
