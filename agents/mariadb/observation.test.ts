import { describe, expect, it } from "vitest";
import { agentReportSchema } from "@/contracts/agent-reports";
import { mariadbObservation, standbySyncStates, unappliedBytes, withReplicasAcknowledging, type MariadbProbeRows } from "./observation";
import type { ReplicaStatusRow } from "./probe-queries";

const envelope = { seq: 1, observedAt: "2026-12-06T00:00:00.000Z", peers: [] };

const primary: MariadbProbeRows = {
  variables: {
    server_id: "1",
    read_only: "0",
    domain_id: "0",
    gtid_current_pos: "0-1-120",
    gtid_binlog_pos: "0-1-120",
    gtid_slave_pos: "",
    semi_sync_primary_enabled: "1",
    semi_sync_replica_enabled: "1",
  },
  status: [
    { Variable_name: "Rpl_semi_sync_master_clients", Value: "1" },
    { Variable_name: "Rpl_semi_sync_master_status", Value: "ON" },
    { Variable_name: "Rpl_semi_sync_slave_status", Value: "OFF" },
  ],
  replicas: [],
  hosts: [
    { Server_id: "2", Host: "sessions-eu-west-1", Port: "3307" },
    { Server_id: "3", Host: "", Port: "3308" },
  ],
};

const streaming: ReplicaStatusRow = {
  Connection_name: "",
  Master_Host: "127.0.0.1",
  Master_Port: "3306",
  Slave_IO_Running: "Yes",
  Slave_SQL_Running: "Yes",
  Master_Log_File: "mariadb-bin.000002",
  Read_Master_Log_Pos: "9000",
  Relay_Master_Log_File: "mariadb-bin.000002",
  Exec_Master_Log_Pos: "9000",
  Relay_Log_Space: "12000",
  Seconds_Behind_Master: "0",
  Last_IO_Errno: "0",
  Last_IO_Error: "",
  Last_SQL_Errno: "0",
  Last_SQL_Error: "",
  Gtid_IO_Pos: "0-1-120",
};

const replica: MariadbProbeRows = {
  variables: { ...primary.variables, server_id: "2", read_only: "1", gtid_current_pos: "0-1-120", gtid_slave_pos: "0-1-120" },
  status: [
    { Variable_name: "Rpl_semi_sync_master_clients", Value: "0" },
    { Variable_name: "Rpl_semi_sync_master_status", Value: "ON" },
    { Variable_name: "Rpl_semi_sync_slave_status", Value: "ON" },
  ],
  replicas: [streaming],
  hosts: [],
};

describe("a MariaDB primary", () => {
  const observation = mariadbObservation(primary, 1.234);

  it("is one that replicates from none; its position is its binlog's sequence number in its domain", () => {
    expect(observation).toMatchObject({ engine: "mariadb", role: "primary", timeline: null, lsn: { current: "120", received: null, replayed: null }, lag: { bytes: null, seconds: null }, walReceiver: null, queryLatencyMs: 1.23 });
  });

  it("lists its connected replicas by report_host, without positions MariaDB does not tell, their sync state unknown until their own semi-sync status is read", () => {
    expect(observation.standbys.map((standby) => [standby.applicationName, standby.flushLsn, standby.syncState])).toEqual([
      ["sessions-eu-west-1", null, null],
      ["server-3", null, null],
    ]);
  });

  it("names the one replica that acknowledges, as its witness read it, its sync standby, and the other async", () => {
    const read = new Map([["sessions-eu-west-1", true], ["server-3", false]]);
    expect(withReplicasAcknowledging(observation, read).standbys.map((standby) => standby.syncState)).toEqual(["sync", "async"]);
  });

  it("names no sync standby once the primary falls back to asynchronous commits, nor among several acknowledging replicas", () => {
    const semiSync = { primaryEnabled: true, primaryActive: true, clients: 2, replicaEnabled: true, replicaActive: false };
    const both = new Map([["a", true], ["b", true]]);
    expect(standbySyncStates(semiSync, ["a", "b"], both)).toEqual(["quorum", "quorum"]);
    expect(standbySyncStates({ ...semiSync, primaryActive: false, clients: 1 }, ["a", "b"], new Map([["a", true], ["b", false]]))).toEqual(["async", "async"]);
    expect(standbySyncStates({ ...semiSync, clients: 1 }, ["a", "b"], both)).toEqual([null, null]);
  });

  it("leaves a replica's or a standby's observation as it is", () => {
    const read = new Map([["sessions-eu-west-1", true]]);
    const standby = mariadbObservation(replica, 1);
    expect(withReplicasAcknowledging(standby, read)).toBe(standby);
  });

  it("reports semi-sync, read_only and GTIDs, and passes the report contract", () => {
    expect(observation.mariadb).toMatchObject({ gtidBinlogPos: "0-1-120", gtidIoPos: null, readOnly: false, semiSync: { primaryEnabled: true, primaryActive: true, clients: 1, replicaActive: false } });
    expect(observation.settings.default_transaction_read_only).toBe("off");
    expect(agentReportSchema.safeParse({ ...envelope, ...observation }).success).toBe(true);
  });
});

describe("a MariaDB replica", () => {
  it("caught up: no lag, seconds included; received and applied positions from Gtid_IO_Pos and gtid_slave_pos", () => {
    const observation = mariadbObservation(replica, 2);
    expect(observation).toMatchObject({ role: "standby", lsn: { current: null, received: "120", replayed: "120" }, lag: { bytes: 0, seconds: 0 } });
    expect(observation.walReceiver).toMatchObject({ status: "streaming", senderHost: "127.0.0.1", senderPort: 3306, flushedLsn: "120" });
    expect(observation.mariadb).toMatchObject({ readOnly: true, transactionsBehind: 0, ioThread: "Yes", sqlThread: "Yes", semiSync: { replicaActive: true } });
    expect(agentReportSchema.safeParse({ ...envelope, ...observation }).success).toBe(true);
  });

  it("behind: the GTID distance in transactions, the unapplied binlog bytes and Seconds_Behind_Master", () => {
    const behind = { ...streaming, Gtid_IO_Pos: "0-1-130", Read_Master_Log_Pos: "15000", Seconds_Behind_Master: "4" };
    const observation = mariadbObservation({ ...replica, replicas: [behind] }, 2);
    expect(observation.lsn).toEqual({ current: null, received: "130", replayed: "120" });
    expect(observation.lag).toEqual({ bytes: 6000, seconds: 4 });
    expect(observation.mariadb?.transactionsBehind).toBe(10);
  });

  it("before its first event from a new primary, has received what it applied", () => {
    const observation = mariadbObservation({ ...replica, replicas: [{ ...streaming, Gtid_IO_Pos: "", Slave_IO_Running: "Connecting" }] }, 2);
    expect(observation.lsn.received).toBe("120");
    expect(observation.walReceiver?.status).toBe("connecting");
  });

  it("counts its standing replication errors, a duplicate key as an apply conflict", () => {
    const broken = { ...streaming, Slave_SQL_Running: "No", Last_SQL_Errno: "1062", Last_SQL_Error: "Could not execute Write_rows_v1 event: Duplicate entry '7'", Last_IO_Errno: "2003", Last_IO_Error: "error connecting to master" };
    const observation = mariadbObservation({ ...replica, replicas: [broken] }, 2);
    expect(observation.conflicts).toEqual({ recovery: 2, logical: 1 });
    expect(observation.mariadb?.replicationErrors.map((error) => [error.thread, error.errno])).toEqual([
      ["io", 2003],
      ["sql", 1062],
    ]);
    expect(agentReportSchema.safeParse({ ...envelope, ...observation }).success).toBe(true);
  });

  it("a stopped replica connection is still a standby (RESET SLAVE ALL makes a primary)", () => {
    const observation = mariadbObservation({ ...replica, replicas: [{ ...streaming, Slave_IO_Running: "No", Slave_SQL_Running: "No" }] }, 2);
    expect(observation.role).toBe("standby");
    expect(observation.walReceiver?.status).toBe("stopped");
  });

  it("a malformed GTID position is reported as none rather than refused", () => {
    const observation = mariadbObservation({ ...replica, variables: { ...replica.variables, gtid_slave_pos: "garbage" } }, 2);
    expect(observation.lsn.replayed).toBeNull();
    expect(observation.mariadb?.gtidSlavePos).toBe("");
    expect(agentReportSchema.safeParse({ ...envelope, ...observation }).success).toBe(true);
  });
});

describe("unapplied bytes", () => {
  it("are exact within one binlog file and the relay log's size across files", () => {
    expect(unappliedBytes({ ...streaming, Read_Master_Log_Pos: "500", Exec_Master_Log_Pos: "200" })).toBe(300);
    expect(unappliedBytes({ ...streaming, Master_Log_File: "mariadb-bin.000003", Relay_Log_Space: "777" })).toBe(777);
  });
});
