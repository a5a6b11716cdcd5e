import { describe, expect, it } from "vitest";
import { everyCommitWaitsFor, fencedPositionReplayed, rpoProof, type StandbyPositions } from "./rpo-proof";

const SYNC: StandbyPositions = { syncState: "sync", lagBytes: 0, flushedLsn: 1000n, replayedLsn: 1000n };

describe("the RPO proof before a fence", () => {
  it("holds for a synchronous standby with no lag, or flushed up to the primary's last position", () => {
    expect(rpoProof(SYNC, 1000n)).toBe("synchronous, 0 B behind");
    expect(rpoProof({ ...SYNC, lagBytes: 100 }, 1000n)).toBe("synchronous, flushed 1000 ≥ the primary's last position 1000");
    expect(rpoProof({ ...SYNC, lagBytes: 100, flushedLsn: null, replayedLsn: 1200n }, 1000n)).toBe("synchronous, flushed 1200 ≥ the primary's last position 1000");
  });

  it("does not hold behind the primary's position, or with nothing to compare", () => {
    expect(rpoProof({ ...SYNC, lagBytes: 100, flushedLsn: 999n }, 1000n)).toBeNull();
    expect(rpoProof({ ...SYNC, lagBytes: 100 }, null)).toBeNull();
  });

  // A quorum standby of ANY n shares each commit with the other candidates: it may miss commits they confirmed.
  it("does not hold for a `quorum`, `potential` or asynchronous standby, even caught up", () => {
    for (const syncState of ["quorum", "potential", "async", null]) {
      expect(everyCommitWaitsFor(syncState)).toBe(false);
      expect(rpoProof({ ...SYNC, syncState }, 1000n)).toBeNull();
    }
    expect(everyCommitWaitsFor("sync")).toBe(true);
  });
});

describe("the RPO proof after a fence", () => {
  it("holds once the standby replayed up to the fenced primary's final position", () => {
    expect(fencedPositionReplayed(5000n, 5000n)).toBe(true);
    expect(fencedPositionReplayed(5001n, 5000n)).toBe(true);
    expect(fencedPositionReplayed(4999n, 5000n)).toBe(false);
    expect(fencedPositionReplayed(null, 5000n)).toBe(false);
  });
});
