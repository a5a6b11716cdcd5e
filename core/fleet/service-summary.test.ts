import { describe, expect, it } from "vitest";
import { serviceSummary, WORST_FIRST, type JudgedReplica } from "./service-summary";

const replica = (name: string, health: JudgedReplica["health"], lagSeconds: number | null = null, reasons: string[] = []): JudgedReplica => ({
  id: `id-${name}`,
  name,
  regionId: `region-${name}`,
  health,
  reasons,
  lagBytes: lagSeconds === null ? null : 0,
  lagSeconds,
});

describe("service summary", () => {
  const summary = serviceSummary(
    [
      replica("primary", "healthy"),
      replica("b", "degraded", 40, ["lag 40 s exceeds the RPO budget 30 s"]),
      replica("c", "stale", 900, ["last report 20 s ago (stale after 5 s)"]),
      replica("d", "unhealthy", null, ["the agent cannot reach the replica", "lag too high"]),
      replica("e", "healthy", 1),
    ],
    { rpoSeconds: 30, maxLagBytes: 1024 },
  );

  it("is as unwell as its worst replica and counts every state", () => {
    expect(summary.health).toBe("unhealthy");
    expect(summary.replicas).toEqual({ healthy: 2, degraded: 1, unhealthy: 1, stale: 1, unknown: 0 });
  });

  it("lists the replicas needing attention worst first, each with its first reason", () => {
    expect(summary.attention.map((entry) => [entry.replicaName, entry.health, entry.reason])).toEqual([
      ["d", "unhealthy", "the agent cannot reach the replica"],
      ["c", "stale", "last report 20 s ago (stale after 5 s)"],
      ["b", "degraded", "lag 40 s exceeds the RPO budget 30 s"],
    ]);
  });

  it("takes the worst lag from current reports only", () => {
    expect(summary.worstLag).toMatchObject({ replicaName: "b", lagSeconds: 40, ratio: 40 / 30, stale: false });
  });

  it("ranks states worst first as region health does", () => {
    expect(WORST_FIRST).toEqual(["unhealthy", "stale", "degraded", "unknown", "healthy"]);
  });

  it("is unknown with no replicas", () => {
    expect(serviceSummary([], { rpoSeconds: null, maxLagBytes: null })).toMatchObject({ health: "unknown", attention: [], worstLag: null });
  });
});
