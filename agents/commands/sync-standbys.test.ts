import { describe, expect, it } from "vitest";
import { standbysByState, synchronousStandbyNames } from "./sync-standbys";

describe("standbysByState", () => {
  it("keeps the topology's order and tells streaming standbys from those still catching up", () => {
    const senders = [
      { application_name: "pg-c", state: "streaming" },
      { application_name: "pg-a", state: "catchup" },
      { application_name: "pg-b", state: "startup" },
    ];
    expect(standbysByState(["pg-a", "pg-b", "pg-c"], senders)).toEqual({ streaming: ["pg-c"], catchingUp: ["pg-a", "pg-b"] });
  });

  it("counts a standby as streaming when any of its walsenders does, and one that is absent or stopping as neither", () => {
    const senders = [
      { application_name: "pg-a", state: "catchup" },
      { application_name: "pg-a", state: "streaming" },
      { application_name: "pg-b", state: "stopping" },
    ];
    expect(standbysByState(["pg-a", "pg-b", "pg-missing"], senders)).toEqual({ streaming: ["pg-a"], catchingUp: [] });
  });
});

describe("synchronousStandbyNames", () => {
  it("names any one of the standbys, in order of preference, or none", () => {
    expect(synchronousStandbyNames(["pg-a", "pg-b"])).toBe('FIRST 1 ("pg-a", "pg-b")');
    expect(synchronousStandbyNames([])).toBe("");
  });
});
