import { describe, expect, it } from "vitest";
import { chooseCandidate } from "./candidate";
import { healthySnapshot, primaryLost, withReplica } from "@/test/fixtures/automation-snapshot";

const MIB = 1024 * 1024;
const eventualOnly = (snapshot = healthySnapshot()) => ({ ...snapshot, datasets: snapshot.datasets.filter((dataset) => dataset.consistency === "eventual") });

describe("chooseCandidate", () => {
  it("chooses the synchronous standby with nothing missing", () => {
    const choice = chooseCandidate(primaryLost(6000, 5500));
    expect(choice.candidate?.name).toBe("pg-eu-west-1");
    expect(choice.sentence).toBe("pg-eu-west-1 (aws:eu-west-1): synchronous, 0 B behind, priority 90");
  });

  it("accepts a sync standby with some lag whose flush reached the primary's last position, after the primary's death stopped its WAL receiver", () => {
    const snapshot = withReplica(primaryLost(6000, 5500), "e", { lagBytes: 96, walReceiverStatus: null, health: "unhealthy", flushedLsn: 1000n });
    expect(chooseCandidate(snapshot).sentence).toBe("pg-eu-west-1 (aws:eu-west-1): synchronous, flushed 1000 ≥ the primary's last position 1000, priority 90");
  });

  it("never picks an async standby for a strong dataset, even with less lag than the sync one", () => {
    const snapshot = withReplica(withReplica(healthySnapshot(), "e", { lagBytes: 96, flushedLsn: 990n, replayedLsn: 990n }), "g", { lagBytes: 0 });
    expect(chooseCandidate(snapshot)).toEqual({
      candidate: null,
      sentence: "pg-eu-west-1 is not a synchronous standby with everything acknowledged; pg-europe-west3 is not a synchronous standby with everything acknowledged",
    });
  });

  it("says every standby's blockers when none can be promoted", () => {
    const snapshot = withReplica(withReplica(healthySnapshot(), "e", { health: "stale" }), "g", { noPromote: true });
    expect(chooseCandidate(snapshot).sentence).toBe("pg-eu-west-1's agent is not reporting (stale); pg-europe-west3 is marked never to be promoted");
  });

  it("refuses a standby neither end last saw streaming", () => {
    const snapshot = withReplica(eventualOnly(), "e", { walReceiverStatus: null, syncState: null, noPromote: true });
    expect(chooseCandidate(withReplica(snapshot, "g", { walReceiverStatus: null, syncState: null })).sentence).toBe(
      "pg-eu-west-1 is marked never to be promoted; pg-europe-west3 was not streaming when last seen",
    );
  });

  it("for eventual data takes the least lag within the policy's maximum, then priority", () => {
    expect(chooseCandidate(withReplica(eventualOnly(), "e", { lagBytes: 8192 })).candidate?.name).toBe("pg-europe-west3");
    expect(chooseCandidate(withReplica(eventualOnly(), "g", { lagBytes: 0 })).candidate?.name).toBe("pg-eu-west-1");
    const overMax = withReplica(withReplica(eventualOnly(), "e", { noPromote: true }), "g", { lagBytes: 2 * MIB });
    expect(chooseCandidate(overMax).sentence).toBe("pg-eu-west-1 is marked never to be promoted; pg-europe-west3 lags 2.0 MiB, beyond 1.0 MiB");
  });

  it("respects residency", () => {
    const snapshot = healthySnapshot();
    const usOnly = { ...snapshot, datasets: snapshot.datasets.map((dataset) => ({ ...dataset, residency: { jurisdictions: ["US"], regions: [] } })) };
    expect(chooseCandidate(usOnly).candidate).toBeNull();
  });
});
