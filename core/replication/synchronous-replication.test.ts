import { describe, expect, it } from "vitest";
import { confirmsCommits, type ListedStandby, synchronousReplication } from "./synchronous-replication";

const standby = (name: string, syncState: string | null, state: string | null = "streaming"): ListedStandby => ({ name, state, syncState });

describe("the primary's synchronous replication", () => {
  it("is off when synchronous_standby_names is empty", () => {
    expect(synchronousReplication({ synchronousStandbyNames: "", standbys: [standby("a", "async")] })).toEqual({ state: "off" });
    expect(synchronousReplication({ synchronousStandbyNames: "  ", standbys: [] })).toEqual({ state: "off" });
  });

  it("is confirmed by a `sync` standby under a priority setting, short with only a `potential` one", () => {
    expect(synchronousReplication({ synchronousStandbyNames: "FIRST 1 (a, b)", standbys: [standby("a", "sync"), standby("b", "potential")] })).toEqual({
      state: "confirmed",
      needed: 1,
      confirming: ["a"],
    });
    expect(synchronousReplication({ synchronousStandbyNames: "a, b", standbys: [standby("b", "potential")] })).toEqual({ state: "short", needed: 1, confirming: [] });
  });

  // The automation accepted only `sync`, the alert rules any one `sync` or `quorum`: under ANY n neither was right.
  it("counts `quorum` standbys under ANY n, and needs n of them", () => {
    const quorum = (...standbys: ListedStandby[]) => synchronousReplication({ synchronousStandbyNames: "ANY 2 (a, b, c)", standbys });
    expect(quorum(standby("a", "quorum"), standby("b", "quorum"))).toEqual({ state: "confirmed", needed: 2, confirming: ["a", "b"] });
    expect(quorum(standby("a", "quorum"))).toEqual({ state: "short", needed: 2, confirming: ["a"] });
    expect(synchronousReplication({ synchronousStandbyNames: "ANY 1 (a, b)", standbys: [standby("b", "quorum")] }).state).toBe("confirmed");
  });

  it("needs n `sync` standbys under FIRST n: one alone leaves commits waiting", () => {
    expect(synchronousReplication({ synchronousStandbyNames: "FIRST 2 (a, b, c)", standbys: [standby("a", "sync"), standby("c", "potential")] })).toEqual({
      state: "short",
      needed: 2,
      confirming: ["a"],
    });
  });

  it("needs one confirmation when the setting is not reported or not one PostgreSQL would accept", () => {
    expect(synchronousReplication({ synchronousStandbyNames: null, standbys: [standby("a", "quorum")] }).state).toBe("confirmed");
    expect(synchronousReplication({ synchronousStandbyNames: "ANY (a", standbys: [standby("a", "sync")] })).toEqual({ state: "confirmed", needed: 1, confirming: ["a"] });
  });
});

describe("a standby confirming commits", () => {
  it("is `sync` or `quorum` and streaming (or its state not carried)", () => {
    expect(confirmsCommits(standby("a", "sync"))).toBe(true);
    expect(confirmsCommits(standby("a", "quorum"))).toBe(true);
    expect(confirmsCommits(standby("a", "quorum", null))).toBe(true);
    expect(confirmsCommits(standby("a", "sync", "catchup"))).toBe(false);
    expect(confirmsCommits(standby("a", "potential"))).toBe(false);
    expect(confirmsCommits(standby("a", "async"))).toBe(false);
    expect(confirmsCommits(standby("a", null))).toBe(false);
  });
});
