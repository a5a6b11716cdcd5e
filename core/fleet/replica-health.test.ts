import { describe, expect, it } from "vitest";
import { evaluateReplicaHealth, type HealthContext, type ReplicaObservation } from "./replica-health";

const now = new Date(Date.UTC(2026, 10, 26, 5, 0, 0));
const context: HealthContext = { now, staleAfterMs: 5_000, maxLagBytes: 1024 * 1024, rpoSeconds: 30, expectedRole: "standby" };

const standby: ReplicaObservation = {
  receivedAt: new Date(now.getTime() - 1_000),
  reachable: true,
  error: null,
  role: "standby",
  lagBytes: 4096,
  lagSeconds: 0.2,
  walReceiverStatus: "streaming",
  synchronousStandbyNames: "",
  standbys: [],
};

const primary: ReplicaObservation = {
  ...standby,
  role: "primary",
  lagBytes: null,
  lagSeconds: null,
  walReceiverStatus: null,
  synchronousStandbyNames: 'FIRST 1 ("pg-eu-west-1")',
  standbys: [
    { applicationName: "pg-eu-west-1", state: "streaming", syncState: "sync" },
    { applicationName: "pg-europe-west3", state: "streaming", syncState: "async" },
  ],
};

describe("replica health", () => {
  it("is unknown before the first report", () => {
    expect(evaluateReplicaHealth(null, context)).toEqual({ health: "unknown", reasons: ["no report received yet"] });
  });

  it("is healthy for a streaming standby within budgets", () => {
    expect(evaluateReplicaHealth(standby, context)).toEqual({ health: "healthy", reasons: [] });
  });

  it("is stale once the last report is older than the window, whatever it said", () => {
    const old = { ...standby, receivedAt: new Date(now.getTime() - 5_001) };
    expect(evaluateReplicaHealth(old, context)).toEqual({ health: "stale", reasons: ["last report 5 s ago (stale after 5 s)"] });
    const unreachableButOld = { ...old, reachable: false };
    expect(evaluateReplicaHealth(unreachableButOld, context).health).toBe("stale");
  });

  it("is not stale exactly at the window", () => {
    expect(evaluateReplicaHealth({ ...standby, receivedAt: new Date(now.getTime() - 5_000) }, context).health).toBe("healthy");
  });

  it("is unhealthy when the agent cannot reach the replica, with the error", () => {
    const verdict = evaluateReplicaHealth({ ...standby, reachable: false, error: "connection refused" }, context);
    expect(verdict).toEqual({ health: "unhealthy", reasons: ["the agent cannot reach the replica: connection refused"] });
  });

  it("is unhealthy for a standby that is not streaming", () => {
    const verdict = evaluateReplicaHealth({ ...standby, walReceiverStatus: null }, context);
    expect(verdict).toEqual({ health: "unhealthy", reasons: ["not streaming from the primary (WAL receiver absent)"] });
  });

  it("is degraded when lag exceeds the failover maximum or the RPO budget", () => {
    expect(evaluateReplicaHealth({ ...standby, lagBytes: 3 * 1024 * 1024 }, context)).toEqual({
      health: "degraded",
      reasons: ["lag 3.0 MiB exceeds the failover maximum 1.0 MiB"],
    });
    expect(evaluateReplicaHealth({ ...standby, lagSeconds: 45 }, context)).toEqual({
      health: "degraded",
      reasons: ["lag 45 s exceeds the RPO budget 30 s"],
    });
  });

  it("ignores the RPO when the service has no eventual budget", () => {
    expect(evaluateReplicaHealth({ ...standby, lagSeconds: 45 }, { ...context, rpoSeconds: null }).health).toBe("healthy");
  });

  it("is degraded for a primary without a connected synchronous standby", () => {
    const primaryContext = { ...context, expectedRole: "primary" as const };
    expect(evaluateReplicaHealth(primary, primaryContext).health).toBe("healthy");
    const lost = { ...primary, standbys: primary.standbys.filter((s) => s.syncState !== "sync") };
    expect(evaluateReplicaHealth(lost, primaryContext)).toEqual({
      health: "degraded",
      reasons: ["no synchronous standby connected: commits wait, RPO 0 is at risk"],
    });
    expect(evaluateReplicaHealth({ ...lost, synchronousStandbyNames: "" }, primaryContext).health).toBe("healthy");
  });

  it("counts `quorum` standbys under ANY n, and needs n confirmations", () => {
    const primaryContext = { ...context, expectedRole: "primary" as const };
    const quorum = (...names: string[]) => names.map((applicationName) => ({ applicationName, state: "streaming", syncState: "quorum" }));
    expect(evaluateReplicaHealth({ ...primary, synchronousStandbyNames: "ANY 1 (a, b)", standbys: quorum("b") }, primaryContext).health).toBe("healthy");
    expect(evaluateReplicaHealth({ ...primary, synchronousStandbyNames: "ANY 2 (a, b)", standbys: quorum("b") }, primaryContext)).toEqual({
      health: "degraded",
      reasons: ["1 of the 2 synchronous standbys synchronous_standby_names needs connected: commits wait, RPO 0 is at risk"],
    });
  });

  it("flags a replica whose reported role disagrees with the topology", () => {
    const verdict = evaluateReplicaHealth(standby, { ...context, expectedRole: "primary" });
    expect(verdict.health).toBe("degraded");
    expect(verdict.reasons[0]).toBe("reports itself as standby; the topology says primary");
  });

  it("calls a topology standby that reports itself as primary unhealthy: it follows nothing (a former primary not rejoined)", () => {
    expect(evaluateReplicaHealth(primary, { ...context, expectedRole: "standby" })).toEqual({
      health: "unhealthy",
      reasons: ["not following the primary: it reports itself as primary; the topology says standby"],
    });
  });

  it("lists unhealthy reasons before degraded ones", () => {
    const verdict = evaluateReplicaHealth({ ...standby, walReceiverStatus: "stopping", lagBytes: 5 * 1024 * 1024 }, context);
    expect(verdict.health).toBe("unhealthy");
    expect(verdict.reasons).toHaveLength(2);
    expect(verdict.reasons[0]).toMatch(/not streaming/);
  });
});
