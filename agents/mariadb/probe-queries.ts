/**
 * The SQL one probe of a MariaDB server runs (10.6 and later: the names are
 * MariaDB's, which keeps the older SLAVE/MASTER words next to REPLICA). The
 * monitoring user needs SLAVE MONITOR (SHOW ALL SLAVES STATUS) and
 * REPLICATION MASTER ADMIN (SHOW SLAVE HOSTS).
 */

export const VARIABLES_SQL = `
  SELECT @@server_id AS server_id, @@read_only AS read_only, @@gtid_domain_id AS domain_id,
    @@gtid_current_pos AS gtid_current_pos, @@gtid_binlog_pos AS gtid_binlog_pos, @@gtid_slave_pos AS gtid_slave_pos,
    @@rpl_semi_sync_master_enabled AS semi_sync_primary_enabled, @@rpl_semi_sync_slave_enabled AS semi_sync_replica_enabled`;

export const SEMI_SYNC_STATUS_SQL = `
  SHOW GLOBAL STATUS WHERE Variable_name IN ('Rpl_semi_sync_master_status', 'Rpl_semi_sync_master_clients', 'Rpl_semi_sync_slave_status')`;

export const REPLICA_STATUS_SQL = "SHOW ALL SLAVES STATUS";

export const REPLICA_HOSTS_SQL = "SHOW SLAVE HOSTS";

export interface VariablesRow {
  server_id: string | number;
  read_only: string | number;
  domain_id: string | number;
  gtid_current_pos: string;
  gtid_binlog_pos: string;
  gtid_slave_pos: string;
  semi_sync_primary_enabled: string | number;
  semi_sync_replica_enabled: string | number;
}

export interface StatusRow {
  Variable_name: string;
  Value: string;
}

/** The columns of SHOW ALL SLAVES STATUS the probe reads (it has some sixty). */
export interface ReplicaStatusRow {
  Connection_name: string;
  Master_Host: string | null;
  Master_Port: string | number | null;
  Slave_IO_Running: string | null;
  Slave_SQL_Running: string | null;
  Master_Log_File: string | null;
  Read_Master_Log_Pos: string | number | null;
  Relay_Master_Log_File: string | null;
  Exec_Master_Log_Pos: string | number | null;
  Relay_Log_Space: string | number | null;
  Seconds_Behind_Master: string | number | null;
  Last_IO_Errno: string | number | null;
  Last_IO_Error: string | null;
  Last_SQL_Errno: string | number | null;
  Last_SQL_Error: string | null;
  Gtid_IO_Pos: string | null;
  Gtid_Slave_Pos?: string | null;
}

export interface ReplicaHostRow {
  Server_id: string | number;
  /** The replica's report_host: Switchyard's replicas report their name. */
  Host: string | null;
  Port: string | number | null;
}
