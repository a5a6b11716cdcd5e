import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunbookDefinition } from "@/contracts/runbooks";
import { runbookReplica, type RunbookReplicaFields } from "@/test/fixtures/runbook-snapshot";
import { parseRunbook } from "../runbooks/parse-runbook";
import type { ServiceSnapshot } from "../runbooks/snapshot";
import { evacuateService, type DatasetBudget, type EvacuationInput } from "./evacuation";

function load(file: string): RunbookDefinition {
  const parsed = parseRunbook(file, readFileSync(`runbooks/${file}`, "utf8"));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.runbook.definition;
}
const switchover = load("planned-switchover.yaml");
const failover = load("unplanned-failover.yaml");

const NOW = new Date(Date.UTC(2026, 11, 4, 6, 0, 0));
const replica = (fields: RunbookReplicaFields) => runbookReplica({ lastReportAt: new Date(NOW.getTime() - 1_000), ...fields });
const PRIMARY = replica({ id: "us", name: "pg-us-east-1", regionId: "aws:us-east-1", jurisdiction: "US", role: "primary", reportedRole: "primary", walReceiverStatus: null, syncState: null, lagBytes: null, promotionPriority: 100 });
const EU = replica({ id: "eu", name: "pg-eu-west-1", regionId: "aws:eu-west-1", jurisdiction: "EU", replication: "sync", syncState: "sync", lagBytes: 200, promotionPriority: 90 });
const GCP = replica({ id: "gcp", name: "pg-europe-west3", regionId: "gcp:europe-west3", jurisdiction: "EU", lagBytes: 4_000 });
const SAME_REGION = replica({ id: "us-b", name: "pg-us-east-1b", regionId: "aws:us-east-1", jurisdiction: "US", syncState: "sync", lagBytes: 0, promotionPriority: 200 });

function snapshot(overrides: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    now: NOW,
    serviceId: "orders-db",
    epoch: 1,
    writeReplicaId: "us",
    replicas: [PRIMARY, EU, GCP],
    datasets: [
      { name: "orders", consistency: "strong", residency: { jurisdictions: ["EU", "US"], regions: [] } },
      { name: "order-history", consistency: "eventual", residency: null },
    ],
    witnesses: [],
    policy: { version: 1, maxLagBytes: 1024 * 1024, witnessQuorum: 2, staleAfterMs: 5_000 },
    ...overrides,
  };
}

const BUDGETS: DatasetBudget[] = [
  { name: "orders", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 },
  { name: "order-history", consistency: "eventual", rpoSeconds: 30, rtoSeconds: 600 },
];

const input = (overrides: Partial<EvacuationInput> = {}): EvacuationInput => ({
  regionId: "aws:us-east-1",
  mode: "switchover",
  reason: "provider maintenance in us-east-1",
  snapshot: snapshot(),
  definition: switchover,
  gates: { "pre-failover": null, "post-failover": null },
  budgets: BUDGETS,
  ...overrides,
});

describe("evacuating one service", () => {
  it("picks the standby candidate selection would, outside the region, and plans a switchover to its region", () => {
    const plan = evacuateService(input());
    expect(plan).toMatchObject({
      inRegion: true,
      primary: "pg-us-east-1",
      target: "pg-eu-west-1",
      targetRegionId: "aws:eu-west-1",
      runbookId: "planned-switchover",
      params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "provider maintenance in us-east-1" },
      blockers: [],
    });
    expect(plan.steps.find((step) => step.id === "residency")?.condition).toMatchObject({ holds: true });
    expect(plan.residency.every((verdict) => verdict.holds)).toBe(true);
    expect(plan.rpo.map((verdict) => [verdict.dataset, verdict.holds])).toEqual([
      ["orders", true],
      ["order-history", true],
    ]);
  });

  it("never picks a standby in the region being evacuated, however well placed", () => {
    const plan = evacuateService(input({ snapshot: snapshot({ replicas: [PRIMARY, SAME_REGION, EU, GCP] }) }));
    expect(plan.target).toBe("pg-eu-west-1");
  });

  it("keeps the target the plan showed when it started while it may still be promoted, and chooses again when it may not", () => {
    expect(evacuateService(input({ plannedTarget: "pg-europe-west3" })).target).toBe("pg-europe-west3");
    expect(evacuateService(input({ plannedTarget: "pg-europe-west3", snapshot: snapshot({ replicas: [PRIMARY, EU, { ...GCP, noPromote: true }] }) })).target).toBe("pg-eu-west-1");
    // Never one in the region, whatever was planned.
    expect(evacuateService(input({ plannedTarget: "pg-us-east-1b", snapshot: snapshot({ replicas: [PRIMARY, SAME_REGION, EU, GCP] }) })).target).toBe("pg-eu-west-1");
  });

  it("has nothing to move when the primary is elsewhere", () => {
    const plan = evacuateService(input({ snapshot: snapshot({ writeReplicaId: "eu" }) }));
    expect(plan).toMatchObject({ inRegion: false, primary: "pg-eu-west-1", primaryRegionId: "aws:eu-west-1", target: null, blockers: [] });
  });

  it("says why a service cannot move when no standby outside the region may be promoted", () => {
    const plan = evacuateService(input({ snapshot: snapshot({ replicas: [PRIMARY, SAME_REGION, { ...EU, noPromote: true }, { ...GCP, health: "stale" }] }) }));
    expect(plan.target).toBeNull();
    expect(plan.blockers).toEqual([
      "no standby outside aws:us-east-1 may be promoted: pg-eu-west-1: pg-eu-west-1 is marked never to be promoted | pg-europe-west3: pg-europe-west3's agent is not reporting (stale)",
    ]);
    const alone = evacuateService(input({ snapshot: snapshot({ replicas: [PRIMARY, SAME_REGION] }) }));
    expect(alone.blockers).toEqual(["no standby outside aws:us-east-1 may be promoted: it has no replica outside aws:us-east-1"]);
  });

  it("keeps residency: a dataset that may live only in the US leaves no target in the EU", () => {
    const usOnly = snapshot({ datasets: [{ name: "orders", consistency: "strong", residency: { jurisdictions: ["US"], regions: [] } }] });
    const plan = evacuateService(input({ snapshot: usOnly }));
    expect(plan.target).toBeNull();
    expect(plan.blockers[0]).toMatch(/dataset orders may live only in US/);
  });

  it("reports the run's failing checks as blockers (a switchover needs its primary reachable)", () => {
    const plan = evacuateService(input({ snapshot: snapshot({ replicas: [{ ...PRIMARY, reachable: false, health: "stale" }, EU, GCP] }) }));
    expect(plan.blockers.some((blocker) => /primary/i.test(blocker))).toBe(true);
  });

  it("for a lost region, plans an unplanned failover from it and judges RPO by the target's synchronous state and lag", () => {
    const lost = snapshot({ replicas: [{ ...PRIMARY, reachable: false, health: "stale" }, { ...EU, syncState: "async", lagBytes: 5 * 1024 * 1024 }, GCP] });
    const plan = evacuateService(input({ mode: "failover", definition: failover, snapshot: lost }));
    expect(plan.runbookId).toBe("unplanned-failover");
    expect(plan.params).toEqual({ service: "orders-db", from_region: "aws:us-east-1", to_region: "gcp:europe-west3", reason: "provider maintenance in us-east-1" });
    expect(plan.rpo).toEqual([
      { dataset: "orders", holds: false, sentence: "RPO 0 at risk: the primary's commits do not all wait for pg-europe-west3 (async)" },
      { dataset: "order-history", holds: true, sentence: "pg-europe-west3 lags 4000 bytes (maximum 1048576 bytes; budget 30 s of writes)" },
    ]);
    const synchronous = evacuateService(input({ mode: "failover", definition: failover, snapshot: snapshot({ replicas: [{ ...PRIMARY, reachable: false }, EU, GCP] }) }));
    expect(synchronous.rpo[0]).toEqual({ dataset: "orders", holds: true, sentence: "RPO 0 kept: pg-eu-west-1 is a synchronous standby, every acknowledged write is on it" });
    // A quorum standby of ANY n (…) shares each commit with the others: alone it proves nothing.
    const quorum = evacuateService(input({ mode: "failover", definition: failover, snapshot: snapshot({ replicas: [{ ...PRIMARY, reachable: false }, { ...EU, syncState: "quorum" }, GCP] }) }));
    expect(quorum.rpo[0]).toEqual({ dataset: "orders", holds: false, sentence: "RPO 0 at risk: the primary's commits do not all wait for pg-eu-west-1 (quorum)" });
  });
});
