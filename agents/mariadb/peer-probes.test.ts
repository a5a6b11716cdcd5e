import { describe, expect, it } from "vitest";
import { peerProbeSchema } from "@/contracts/agent-reports";
import { peerReceived } from "./peer-probes";
import type { ReplicaStatusRow } from "./probe-queries";

const streaming: ReplicaStatusRow = {
  Connection_name: "",
  Master_Host: "127.0.0.1",
  Master_Port: "3306",
  Slave_IO_Running: "Yes",
  Slave_SQL_Running: "Yes",
  Master_Log_File: "mariadb-bin.000002",
  Read_Master_Log_Pos: "9000",
  Relay_Master_Log_File: "mariadb-bin.000002",
  Exec_Master_Log_Pos: "8000",
  Relay_Log_Space: "12000",
  Seconds_Behind_Master: "0",
  Last_IO_Errno: "0",
  Last_IO_Error: "",
  Last_SQL_Errno: "0",
  Last_SQL_Error: "",
  Gtid_IO_Pos: "0-1-130,1-7-4",
};

const probe = (received: ReturnType<typeof peerReceived>) => peerProbeSchema.parse({ replica: "sess-eu-west-1", regionId: "aws:eu-west-1", reachable: true, rttMs: 1, error: null, received });

describe("a MariaDB peer's received position, as another agent reads it", () => {
  it("is the relay log's GTID in the peer's domain, beyond what it applied", () => {
    const received = peerReceived({ domain_id: "0", gtid_slave_pos: "0-1-120" }, [streaming]);
    expect(received).toEqual({ lsn: "130", gtid: "0-1-130,1-7-4" });
    expect(probe(received).received).toEqual(received);
  });

  it("is what the peer applied when its relay log holds nothing newer (before its first event from a new primary)", () => {
    expect(peerReceived({ domain_id: "0", gtid_slave_pos: "0-1-140" }, [{ ...streaming, Gtid_IO_Pos: "" }])).toEqual({ lsn: "140", gtid: "0-1-140" });
    expect(peerReceived({ domain_id: "0", gtid_slave_pos: "0-1-140" }, [streaming])).toEqual({ lsn: "140", gtid: "0-1-130,1-7-4" });
  });

  it("reads the domain the peer writes in, and the default connection first", () => {
    expect(peerReceived({ domain_id: 1, gtid_slave_pos: "" }, [streaming])).toMatchObject({ lsn: "4" });
    const named = { ...streaming, Connection_name: "other", Gtid_IO_Pos: "0-1-999" };
    expect(peerReceived({ domain_id: "0", gtid_slave_pos: "" }, [named, streaming])).toMatchObject({ lsn: "130" });
  });

  it("is nothing for a peer that replicates from nobody or names no domain, and 0 in a domain it received nothing of", () => {
    expect(peerReceived({ domain_id: "0", gtid_slave_pos: "0-1-120" }, [])).toBeNull();
    expect(peerReceived({ domain_id: "x", gtid_slave_pos: "" }, [streaming])).toBeNull();
    expect(peerReceived({ domain_id: "5", gtid_slave_pos: "" }, [streaming])).toMatchObject({ lsn: "0" });
    expect(probe(null).received).toBeNull();
  });
});
