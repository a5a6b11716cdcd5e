import { describe, expect, it } from "vitest";
import { regionWitnesses, type RegionLink } from "./region-witnesses";

const link = (from: string, fromRegionId: string, toRegionId: string, reachable: boolean, unreachableSince: string | null = null): RegionLink => ({
  fromReplicaId: from,
  fromRegionId,
  toRegionId,
  reachable,
  unreachableSince: unreachableSince ? new Date(unreachableSince) : null,
});

describe("what witnesses see of a region", () => {
  it("counts each observing replica once, reaching only if it reaches every replica it probes there", () => {
    const seen = regionWitnesses([
      link("a", "r1", "r3", true),
      link("a", "r1", "r3", false, "2026-11-26T05:00:10Z"),
      link("b", "r2", "r3", true),
      link("b", "r2", "r3", false, "2026-11-26T05:00:02Z"),
      link("c", "r2", "r3", true),
    ]);
    expect(seen.get("r3")).toEqual({ observers: 3, reaching: 1, unreachableSince: new Date("2026-11-26T05:00:02Z") });
  });

  it("leaves out probes within the region and regions nobody probes", () => {
    const seen = regionWitnesses([link("a", "r1", "r1", false, "2026-11-26T05:00:00Z"), link("b", "r2", "r1", true)]);
    expect(seen.get("r1")).toEqual({ observers: 1, reaching: 1, unreachableSince: null });
    expect(seen.has("r2")).toBe(false);
  });
});
