import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose";
import { ago, healthySnapshot, NOW, primaryLost, withReplica } from "@/test/fixtures/automation-snapshot";

describe("diagnose", () => {
  it("finds a service whose primary reports in time and whose standbys keep up healthy", () => {
    expect(diagnose(healthySnapshot(), NOW)).toEqual([
      { diagnosis: "healthy", subject: null, sentence: "the primary reports within 5 s and no standby lags beyond 1.0 MiB" },
    ]);
  });

  it("confirms the primary lost when it is silent and a quorum of other regions' witnesses failed to reach it for the whole window", () => {
    expect(diagnose(primaryLost(6000, 5500), NOW)).toEqual([
      {
        diagnosis: "primary_unreachable_confirmed",
        subject: "p",
        sentence: "pg-us-east-1's reports stopped 6 s ago (stale after 5 s), and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s",
      },
    ]);
  });

  it("finds nothing wrong while a freeze is shorter than the window, even with witnesses failing", () => {
    expect(diagnose(primaryLost(4000, 3500), NOW).map((finding) => finding.diagnosis)).toEqual(["healthy"]);
  });

  it("does not confirm a silent primary whose witnesses have failed for less than the window", () => {
    expect(diagnose(primaryLost(6000, 3000), NOW)).toEqual([
      {
        diagnosis: "primary_unreachable_unconfirmed",
        subject: "p",
        sentence: "pg-us-east-1's reports stopped 6 s ago (stale after 5 s), but only 0 of the 2 witnesses in other regions the quorum needs have failed to reach it for 5 s",
      },
    ]);
  });

  it("says the control plane lost the agent when witnesses still reach the primary", () => {
    const snapshot = withReplica(healthySnapshot(), "p", { lastReportAt: ago(30_000), health: "stale" });
    expect(diagnose(snapshot, NOW)).toEqual([
      {
        diagnosis: "primary_unreachable_unconfirmed",
        subject: "p",
        sentence: "pg-us-east-1's reports stopped 30 s ago (stale after 5 s), but 2 witnesses in other regions still reach it: the control plane lost contact with its agent",
      },
    ]);
  });

  it("counts neither witnesses in the primary's own region nor witnesses that stopped observing", () => {
    const lost = primaryLost(6000, 5500);
    const snapshot = {
      ...lost,
      witnesses: lost.witnesses.map((link) =>
        link.fromReplicaId === "e" && link.toReplicaId === "p" ? { ...link, fromRegionId: "aws:us-east-1" } : link.fromReplicaId === "g" && link.toReplicaId === "p" ? { ...link, observedAt: ago(5001) } : link,
      ),
    };
    expect(diagnose(snapshot, NOW)[0]).toMatchObject({ diagnosis: "primary_unreachable_unconfirmed", sentence: expect.stringContaining("only 0 of the 2 witnesses") });
    expect(diagnose({ ...snapshot, policy: { ...snapshot.policy, witnessQuorum: 1 } }, NOW)[0]?.diagnosis).toBe("primary_unreachable_unconfirmed");
    expect(diagnose({ ...lost, policy: { ...lost.policy, witnessQuorum: 3 } }, NOW)[0]?.sentence).toContain("only 2 of the 3 witnesses");
  });

  it("counts two witnesses in one region as one vote", () => {
    const lost = primaryLost(6000, 5500);
    const e = lost.replicas.find((replica) => replica.id === "e")!;
    const twin = { ...e, id: "e2", name: "pg-eu-west-1b" };
    const twinLink = { ...lost.witnesses.find((link) => link.fromReplicaId === "e" && link.toReplicaId === "p")!, fromReplicaId: "e2" };
    const snapshot = {
      ...lost,
      replicas: [...lost.replicas, twin],
      // The GCP witness stopped observing: only aws:eu-west-1 is left, with two witnesses.
      witnesses: [...lost.witnesses.map((link) => (link.fromReplicaId === "g" && link.toReplicaId === "p" ? { ...link, observedAt: ago(5001) } : link)), twinLink],
    };
    expect(diagnose(snapshot, NOW)[0]).toMatchObject({ diagnosis: "primary_unreachable_unconfirmed", sentence: expect.stringContaining("only 1 of the 2 witnesses") });
  });

  it("does not count a witness whose agent was revoked, nor one that is not the service's replica", () => {
    const lost = primaryLost(6000, 5500);
    expect(diagnose(withReplica(lost, "g", { hasAgent: false }), NOW)[0]).toMatchObject({
      diagnosis: "primary_unreachable_unconfirmed",
      sentence: expect.stringContaining("only 1 of the 2 witnesses"),
    });
    const g = lost.witnesses.find((link) => link.fromReplicaId === "g" && link.toReplicaId === "p")!;
    const foreign = { ...lost, replicas: lost.replicas.filter((replica) => replica.id !== "g"), witnesses: [...lost.witnesses.filter((link) => link !== g), { ...g, fromReplicaId: "other-service-replica" }] };
    expect(diagnose(foreign, NOW)[0]).toMatchObject({ diagnosis: "primary_unreachable_unconfirmed", sentence: expect.stringContaining("only 1 of the 2 witnesses") });
  });

  it("does not let the primary's own agent witness against it", () => {
    const lost = primaryLost(6000, 5500);
    const g = lost.witnesses.find((link) => link.fromReplicaId === "g" && link.toReplicaId === "p")!;
    // Its agent names its own replica as a peer and says it from another region: still no vote.
    const snapshot = { ...lost, witnesses: [...lost.witnesses.filter((link) => link !== g), { ...g, fromReplicaId: "p" }] };
    expect(diagnose(snapshot, NOW)[0]).toMatchObject({ diagnosis: "primary_unreachable_unconfirmed", sentence: expect.stringContaining("only 1 of the 2 witnesses") });
  });

  it("treats a primary that never reported as silent, and still needs the witnesses", () => {
    const snapshot = withReplica(healthySnapshot(), "p", { lastReportAt: null, health: "unknown" });
    expect(diagnose(snapshot, NOW)[0]?.sentence).toBe(
      "pg-us-east-1 has never reported, but 2 witnesses in other regions still reach it: the control plane lost contact with its agent",
    );
  });

  it("finds a lost synchronous standby when the primary lists none as sync", () => {
    expect(diagnose(withReplica(healthySnapshot(), "e", { syncState: null }), NOW)).toEqual([
      {
        diagnosis: "sync_standby_lost",
        subject: "p",
        sentence: "pg-us-east-1 has no synchronous standby connected (expected pg-eu-west-1): commits on strong datasets wait and RPO 0 is at risk",
      },
    ]);
  });

  // The automation accepted only `sync`: a quorum commit (ANY n) looked like a lost standby, and FIRST 2 with one standby looked fine.
  it("counts synchronous standbys as the primary's synchronous_standby_names does: `quorum` under ANY n, n of them", () => {
    const quorum = withReplica(withReplica(healthySnapshot(), "e", { syncState: "quorum" }), "p", { synchronousStandbyNames: 'ANY 1 ("pg-eu-west-1", "pg-europe-west3")' });
    expect(diagnose(quorum, NOW).map((finding) => finding.diagnosis)).toEqual(["healthy"]);
    const two = withReplica(healthySnapshot(), "p", { synchronousStandbyNames: 'FIRST 2 ("pg-eu-west-1", "pg-europe-west3")' });
    expect(diagnose(withReplica(two, "g", { syncState: "potential" }), NOW)).toEqual([
      {
        diagnosis: "sync_standby_lost",
        subject: "p",
        sentence:
          "pg-us-east-1 has 1 of the 2 synchronous standbys its synchronous_standby_names needs connected (pg-eu-west-1; expected pg-eu-west-1): commits on strong datasets wait and RPO 0 is at risk",
      },
    ]);
    expect(diagnose(withReplica(healthySnapshot(), "p", { synchronousStandbyNames: "" }), NOW)[0]?.sentence).toBe(
      "pg-us-east-1 names no synchronous standby (expected pg-eu-west-1): commits on strong datasets do not wait for any standby, so RPO 0 is not guaranteed",
    );
  });

  it("finds standbys lagging beyond the failover maximum, but not silent ones", () => {
    const snapshot = withReplica(withReplica(healthySnapshot(), "g", { lagBytes: 3 * 1024 * 1024 }), "e", { lagBytes: 5 * 1024 * 1024, lastReportAt: ago(6000) });
    expect(diagnose(snapshot, NOW)).toEqual([
      { diagnosis: "standby_lagging", subject: "g", sentence: "pg-europe-west3 lags 3.0 MiB, beyond the 1.0 MiB the policy allows for automatic failover" },
    ]);
  });

  it("lists active runs first", () => {
    const snapshot = { ...primaryLost(6000, 5500), activeRuns: [{ id: "run-1", runbookId: "planned-switchover", status: "running" }] };
    expect(diagnose(snapshot, NOW).map((finding) => [finding.diagnosis, finding.subject])).toEqual([
      ["run_in_progress", "run-1"],
      ["primary_unreachable_confirmed", "p"],
    ]);
  });
});
