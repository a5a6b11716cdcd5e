import { describe, expect, it } from "vitest";
import { observationFromRows, standbyLag, type ProbeRows } from "./postgres-observation";
import type { StatusRow, WalReceiverRow } from "./postgres-queries";

const standbyStatus: StatusRow = {
  in_recovery: true,
  checkpoint_timeline: 1,
  insert_timeline: null,
  current_lsn: null,
  received_lsn: "5000",
  replayed_lsn: "5000",
  replay_age_seconds: 42.5,
  synchronous_commit: "on",
  synchronous_standby_names: "",
  default_transaction_read_only: "off",
  transaction_read_only: "on",
  recovery_conflicts: 3,
  logical_conflicts: 0,
};

const receiver: WalReceiverRow = {
  status: "streaming",
  sender_host: "10.0.0.1",
  sender_port: 5432,
  received_tli: 2,
  flushed_lsn: "5000",
  latest_end_lsn: "5000",
  last_msg_receipt_ms: Date.parse("2026-11-26T04:00:00.000Z"),
  slot_name: "standby_eu",
};

describe("standby lag", () => {
  it("is zero, seconds included, when everything known is replayed (an idle primary is no lag)", () => {
    expect(standbyLag(standbyStatus, receiver)).toEqual({ bytes: 0, seconds: 0 });
  });

  it("counts WAL the primary announced but the standby has not received", () => {
    const lag = standbyLag(standbyStatus, { ...receiver, latest_end_lsn: "9000" });
    expect(lag).toEqual({ bytes: 4000, seconds: 42.5 });
  });

  it("counts received but unreplayed WAL when the primary announced nothing newer", () => {
    expect(standbyLag({ ...standbyStatus, received_lsn: "7000" }, { ...receiver, latest_end_lsn: "6000" })).toEqual({ bytes: 2000, seconds: 42.5 });
    expect(standbyLag({ ...standbyStatus, received_lsn: "7000" }, null)).toEqual({ bytes: 2000, seconds: 42.5 });
  });

  it("handles LSNs beyond 2^53 exactly", () => {
    const big = "18446744073709551000";
    expect(standbyLag({ ...standbyStatus, received_lsn: big, replayed_lsn: "18446744073709550000" }, null).bytes).toBe(1000);
  });
});

describe("observationFromRows", () => {
  const rows: ProbeRows = { status: standbyStatus, standbys: [], walReceiver: receiver, slots: [] };

  it("takes a standby's timeline from its walreceiver", () => {
    const observation = observationFromRows(rows, 1.234);
    expect(observation.role).toBe("standby");
    expect(observation.timeline).toBe(2);
    expect(observation.queryLatencyMs).toBe(1.23);
    expect(observation.walReceiver).toEqual({
      status: "streaming",
      senderHost: "10.0.0.1",
      senderPort: 5432,
      receivedTli: 2,
      flushedLsn: "5000",
      lastMessageAt: "2026-11-26T04:00:00.000Z",
      slotName: "standby_eu",
    });
    expect(observation.conflicts).toEqual({ recovery: 3, logical: 0 });
  });

  it("takes a primary's timeline from its WAL insert position, and reports no lag", () => {
    const observation = observationFromRows(
      { ...rows, status: { ...standbyStatus, in_recovery: false, insert_timeline: 3, current_lsn: "9000", received_lsn: null, replayed_lsn: null }, walReceiver: null },
      2,
    );
    expect(observation.role).toBe("primary");
    expect(observation.timeline).toBe(3);
    expect(observation.lag).toEqual({ bytes: null, seconds: null });
    expect(observation.walReceiver).toBeNull();
  });

  it("counts each standby's byte lag from the primary's position in the same report, so the two always agree", () => {
    const standbyRow = { application_name: "pg-eu-west-1", client_addr: "10.0.0.2", state: "streaming", sync_state: "sync", sent_lsn: "9000", write_lsn: "9000", flush_lsn: "8800", replay_lsn: "8696", write_lag_seconds: 0, flush_lag_seconds: 0, replay_lag_seconds: 0 };
    const primary = observationFromRows({ ...rows, status: { ...standbyStatus, in_recovery: false, current_lsn: "9000" }, walReceiver: null, standbys: [standbyRow] }, 1);
    expect(primary.standbys[0]!.replayLagBytes).toBe(304);
    // A cascading standby sends what it replayed.
    const cascading = observationFromRows({ ...rows, status: { ...standbyStatus, replayed_lsn: "8700" }, standbys: [standbyRow] }, 1);
    expect(cascading.standbys[0]!.replayLagBytes).toBe(4);
  });

  it("clamps what the contract would refuse: negative lags, unknown sync states, long names", () => {
    const observation = observationFromRows(
      {
        ...rows,
        // Replayed beyond the position read in the same report (it cannot be, but a cascade's rows may race): no negative lag.
        status: { ...standbyStatus, in_recovery: false, current_lsn: "8" },
        standbys: [
          {
            application_name: "x".repeat(300),
            client_addr: null,
            state: "streaming",
            sync_state: "something-new",
            sent_lsn: "10",
            write_lsn: "not-an-lsn",
            flush_lsn: null,
            replay_lsn: "10",
            write_lag_seconds: -0.002,
            flush_lag_seconds: null,
            replay_lag_seconds: 0.5,
          },
        ],
      },
      1,
    );
    expect(observation.standbys[0]).toMatchObject({
      syncState: null,
      writeLsn: null,
      writeLagSeconds: 0,
      replayLagBytes: 0,
    });
    expect(observation.standbys[0]!.applicationName).toHaveLength(128);
  });
});
