import { describe, expect, it } from "vitest";
import { followOutcome } from "./follow-outcome";
import type { ReplicaStatusRow } from "./probe-queries";

const row: ReplicaStatusRow = {
  Connection_name: "",
  Master_Host: "127.0.0.1",
  Master_Port: "3306",
  Slave_IO_Running: "Yes",
  Slave_SQL_Running: "Yes",
  Master_Log_File: "mariadb-bin.000002",
  Read_Master_Log_Pos: null,
  Relay_Master_Log_File: null,
  Exec_Master_Log_Pos: null,
  Relay_Log_Space: null,
  Seconds_Behind_Master: "0",
  Last_IO_Errno: "0",
  Last_IO_Error: "",
  Last_SQL_Errno: "0",
  Last_SQL_Error: "",
  Gtid_IO_Pos: "",
};

describe("a replica connection just started", () => {
  it("streams when both threads run without error", () => {
    expect(followOutcome(row)).toEqual({ state: "streaming" });
  });

  it("holds errant GTIDs when the primary refuses the position it asks for (1236 naming a GTID)", () => {
    const message = "Got fatal error 1236 from master when reading data from binary log: 'Error: connecting slave requested to start from GTID 0-1-101, which is not in the master's binlog'";
    expect(followOutcome({ ...row, Slave_IO_Running: "No", Last_IO_Errno: "1236", Last_IO_Error: message })).toEqual({ state: "errant", message });
  });

  it("fails on another IO error once the thread gave up, or on any SQL error", () => {
    expect(followOutcome({ ...row, Slave_IO_Running: "No", Last_IO_Errno: "1045", Last_IO_Error: "Access denied" }).state).toBe("failing");
    expect(followOutcome({ ...row, Slave_SQL_Running: "No", Last_SQL_Errno: "1062", Last_SQL_Error: "Duplicate entry" }).state).toBe("failing");
    expect(followOutcome(null).state).toBe("failing");
  });

  it("is pending while the IO thread connects (and retries a connection error), or until the primary's first event came", () => {
    expect(followOutcome({ ...row, Master_Log_File: "" })).toEqual({ state: "pending" });
    expect(followOutcome({ ...row, Slave_IO_Running: "Connecting" })).toEqual({ state: "pending" });
    expect(followOutcome({ ...row, Slave_IO_Running: "Connecting", Last_IO_Errno: "2003", Last_IO_Error: "Can't connect" })).toEqual({ state: "pending" });
  });
});
