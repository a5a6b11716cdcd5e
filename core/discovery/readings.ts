/**
 * What discovery read from one PostgreSQL server: the facts the proposal is
 * built from, and nothing secret (no password, no connection string as given).
 */

/** Which field of the request a server came from, so a refusal can name it. */
export type RequestField = "primaryUrl" | `standbyUrls.${number}`;

export interface ServerEndpoint {
  host: string;
  port: number;
  /** The database the URL names; null when it names none. */
  database: string | null;
}

/** A row of pg_stat_replication: one walsender, i.e. one server streaming from this one. */
export interface WalSenderReading {
  pid: number;
  applicationName: string;
  /** Where it connects from (pg_stat_replication.client_addr), not where it listens. */
  clientAddr: string | null;
  /** null when the role may not see it (no pg_read_all_stats). */
  state: string | null;
  syncState: string | null;
  /** The database a logical replication connection is attached to; null for a physical standby. */
  database: string | null;
}

export interface SlotReading {
  name: string;
  type: "physical" | "logical";
  active: boolean;
  activePid: number | null;
}

/** pg_stat_wal_receiver's row; every field but the row itself is null when the role may not see it. */
export interface WalReceiverReading {
  status: string | null;
  senderHost: string | null;
  senderPort: number | null;
  slotName: string | null;
  /** The connection string in use, password obfuscated, with libpq's defaults filled in. */
  conninfo: string | null;
}

export type SettingReading = { readable: true; value: string } | { readable: false; reason: string };

export interface ServerDetails {
  inRecovery: boolean;
  systemIdentifier: string;
  clusterName: string;
  synchronousStandbyNames: string;
  primaryConninfo: SettingReading;
  walSenders: WalSenderReading[];
  slots: SlotReading[];
  walReceiver: WalReceiverReading | null;
}

export interface ServerReading {
  field: RequestField;
  endpoint: ServerEndpoint;
  /** The role discovery connected as. */
  role: string;
  versionNum: number;
  version: string;
  /** null when the server is too old for discovery to read them. */
  details: ServerDetails | null;
}

/**
 * primary_conninfo is a setting from PostgreSQL 12 (recovery.conf before),
 * and the views discovery reads have the columns it needs from 12 on.
 */
export const MIN_SERVER_VERSION_NUM = 120_000;
