import { describe, expect, it } from "vitest";
import type { FleetOverview } from "@/contracts/fleet-overview";
import type { RunView } from "@/contracts/runs";
import { ago, lagText, table, utc } from "./format";
import { fleetVerdict, renderFleet } from "./render/fleet";
import { runChanges } from "./render/runs";

describe("formatting", () => {
  it("aligns columns to the widest cell", () => {
    expect(table(["A", "BB"], [["long", "x"], ["s", "yy"]])).toBe("A     BB\nlong  x\ns     yy");
  });

  it("prints UTC times, ages and lag with units", () => {
    expect(utc("2026-11-26T08:00:03.456+01:00")).toBe("2026-11-26 07:00:03Z");
    expect(utc(null)).toBe("—");
    expect(ago("2026-11-26T08:00:00Z", new Date("2026-11-26T08:00:04Z"))).toBe("4 s ago");
    expect(ago(null, new Date())).toBe("never");
    expect(lagText(3 * 1024 * 1024, 0.25)).toBe("3.0 MiB / 250 ms");
    expect(lagText(null, null)).toBe("—");
  });
});

const fleet: FleetOverview = {
  services: [
    {
      id: "orders-db",
      name: "orders-db",
      engine: "postgresql",
      epoch: 3,
      writeRegionId: "aws:us-east-1",
      writeReplicaName: "pg-us-east-1",
      health: "degraded",
      replicas: { healthy: 2, degraded: 1, unhealthy: 0, stale: 0, unknown: 0 },
      attention: [{ replicaId: "r3", replicaName: "pg-europe-west3", regionId: "gcp:europe-west3", health: "degraded", reason: "lags 12 s, over the RPO budget of 5 s" }],
      worstLag: { replicaId: "r3", replicaName: "pg-europe-west3", lagSeconds: 12, lagBytes: 2048, rpoSeconds: 5, maxLagBytes: 1048576, secondsRatio: 2.4, bytesRatio: 0.002, ratio: 2.4, stale: false },
      staleAfterSeconds: 15,
      automation: { state: "on", maintenance: null, reason: "ok" },
      activeRuns: [],
    },
  ],
  regions: [
    {
      region: { id: "aws:us-east-1", cloud: "aws", code: "us-east-1", jurisdiction: "US", displayName: "US East" },
      health: "healthy",
      replicas: { healthy: 1, degraded: 0, unhealthy: 0, stale: 0, unknown: 0 },
      witnesses: { observers: 2, reaching: 2, unreachableSince: null },
    },
  ],
  replicas: { healthy: 2, degraded: 1, unhealthy: 0, stale: 0, unknown: 0 },
  loopStalls: [],
  storeWarnings: [],
  generatedAt: "2026-11-26T08:00:00.000Z",
};

describe("the fleet overview", () => {
  it("gives the verdict and each service's worst lag against its budget", () => {
    expect(fleetVerdict(fleet)).toBe("1 replica of 3 need attention");
    const text = renderFleet(fleet);
    expect(text).toContain("2 healthy, 1 degraded");
    expect(text).toContain("orders-db/pg-europe-west3 (gcp:europe-west3) degraded: lags 12 s, over the RPO budget of 5 s");
    expect(text).toMatch(/orders-db\s+aws:us-east-1\s+degraded\s+pg-europe-west3 2\.0 KiB \/ 12 s \(240% of budget\)/);
    expect(text).toMatch(/aws:us-east-1\s+healthy\s+1 healthy\s+2\/2/);
    expect(text).not.toContain("STOPPED");
  });

  it("says first when the decider or the alert evaluator has stopped", () => {
    const sentence = "The decider has stopped: its last complete pass ended 40 s ago, so automatic failover is not being decided.";
    const text = renderFleet({ ...fleet, loopStalls: [{ loop: "decider", lastPassAt: "2026-11-26T07:59:20.000Z", sentence }] });
    expect(text.split("\n")[1]).toBe(`STOPPED: ${sentence}`);
  });

  it("says when the control plane's store role may do more than the product needs", () => {
    const sentence = 'The control plane connects to its store as "postgres", a superuser: whoever holds its connection can disable the audit trail\'s append-only trigger.';
    const text = renderFleet({ ...fleet, storeWarnings: [{ id: "superuser", sentence }] });
    expect(text.split("\n")[1]).toBe(`STORE: ${sentence}`);
    expect(renderFleet(fleet)).not.toContain("STORE:");
  });
});

function runOf(status: RunView["status"], states: RunView["steps"][number]["state"][]): RunView {
  return {
    id: "run1",
    runbookId: "planned-switchover",
    contentHash: "h",
    serviceId: "orders-db",
    params: {},
    mode: "guided",
    actorType: "user",
    status,
    startedBy: "op@example.com",
    planId: null,
    reason: null,
    error: null,
    createdAt: "2026-11-26T08:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    scheduledAt: null,
    inMaintenanceWindow: false,
    primary: null,
    target: null,
    others: [],
    fencedLsn: null,
    observedRto: null,
    generatedAt: "2026-01-01T00:00:00.000Z",
    steps: states.map((state, index) => ({
      id: `s${index}`,
      stepId: `step-${index}`,
      index,
      phase: "forward",
      kind: index === 1 ? "manual" : "check",
      command: null,
      title: "",
      state,
      attempts: 0,
      targets: [],
      startedAt: null,
      finishedAt: null,
      deadlineAt: null,
      output: null,
      error: null,
      decidedBy: null,
      note: null,
    })),
  };
}

describe("watching a run", () => {
  const at = new Date("2026-11-26T08:00:05Z");

  it("prints the run and every step at first, then only what moved", () => {
    const first = runOf("running", ["running", "pending"]);
    expect(runChanges(null, first, at)).toEqual(["2026-11-26 08:00:05Z  run run1: running", "2026-11-26 08:00:05Z  step-0: running", "2026-11-26 08:00:05Z  step-1: pending"]);
    const second = runOf("waiting", ["succeeded", "waiting"]);
    expect(runChanges(first, second, at)).toEqual([
      "2026-11-26 08:00:05Z  run run1: running → waiting",
      "2026-11-26 08:00:05Z  step-0: running → succeeded",
      "2026-11-26 08:00:05Z  step-1: pending → waiting — waiting for a person (manual)",
    ]);
    expect(runChanges(second, second, at)).toEqual([]);
  });
});
