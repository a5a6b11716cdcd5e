import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONDITIONS, type RunbookDefinition } from "@/contracts/runbooks";
import { evaluateCondition } from "./conditions";
import { parseRunbook } from "./parse-runbook";
import { planRun } from "./plan-run";
import { selectCandidate } from "./select-candidate";
import { runbookReplica, type RunbookReplicaFields } from "@/test/fixtures/runbook-snapshot";
import type { ServiceSnapshot } from "./snapshot";

function load(file: string): RunbookDefinition {
  const parsed = parseRunbook(file, readFileSync(`runbooks/${file}`, "utf8"));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.runbook.definition;
}
const switchover = load("planned-switchover.yaml");
const failover = load("unplanned-failover.yaml");
const reinstate = load("reinstate-former-primary.yaml");

const NOW = new Date(Date.UTC(2026, 10, 26, 6, 0, 0));
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const replica = (fields: RunbookReplicaFields) => runbookReplica({ lastReportAt: ago(1_000), ...fields });

function snapshot(overrides: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    now: NOW,
    serviceId: "orders-db",
    epoch: 1,
    writeReplicaId: "us",
    replicas: [
      replica({ id: "us", name: "pg-us-east-1", regionId: "aws:us-east-1", jurisdiction: "US", role: "primary", reportedRole: "primary", walReceiverStatus: null, syncState: null, lagBytes: null, promotionPriority: 100, replication: "sync" }),
      replica({ id: "eu", name: "pg-eu-west-1", regionId: "aws:eu-west-1", jurisdiction: "EU", replication: "sync", syncState: "sync", lagBytes: 200, promotionPriority: 90 }),
      replica({ id: "gcp", name: "pg-europe-west3", regionId: "gcp:europe-west3", jurisdiction: "EU", lagBytes: 4_000 }),
    ],
    datasets: [
      { name: "orders", consistency: "strong", residency: { jurisdictions: ["EU", "US"], regions: [] } },
      { name: "order-history", consistency: "eventual", residency: { jurisdictions: ["EU", "US"], regions: [] } },
    ],
    witnesses: [],
    policy: { version: 1, maxLagBytes: 1024 * 1024, witnessQuorum: 2, staleAfterMs: 5_000 },
    ...overrides,
  };
}

const params = { service: "orders-db", to_region: "aws:eu-west-1", reason: "planned maintenance of us-east-1" };

describe("planned switchover dry run", () => {
  it("resolves the primary, the target and the other standbys, and passes every check", () => {
    const plan = planRun(switchover, params, snapshot());
    expect(plan).toMatchObject({ primary: "pg-us-east-1", target: "pg-eu-west-1", targetChosenBy: "parameter", others: ["pg-europe-west3"], blockers: [] });
    const byId = Object.fromEntries(plan.steps.map((step) => [step.id, step]));
    expect(byId["fence-primary"]?.targets).toEqual(["pg-us-east-1"]);
    expect(byId["promote-target"]?.targets).toEqual(["pg-eu-west-1"]);
    expect(byId["repoint-standbys"]?.targets).toEqual(["pg-europe-west3"]);
    expect(byId["verify-old-primary"]?.targets).toEqual(["pg-us-east-1"]);
    expect(byId["residency"]?.condition).toEqual({ name: "residency-allows-target", holds: true, sentence: "every dataset may live in aws:eu-west-1 (EU)" });
    expect(byId["wait-caught-up"]?.condition).toMatchObject({ pending: expect.stringMatching(/once the primary is fenced/) });
  });

  it("says what each gate will call or run, or that the service has none", () => {
    const none = Object.fromEntries(planRun(switchover, params, snapshot()).steps.map((step) => [step.id, step]));
    expect(none["pre-failover-gate"]).toMatchObject({ needed: false, targets: [], hook: "orders-db has no pre-failover gate configured: skipped" });
    const gates = { "pre-failover": { endpoint: "change-freeze" }, "post-failover": { script: "pgbouncer-repoint", target: "other-standbys" as const, args: {} } };
    const gated = Object.fromEntries(planRun(switchover, params, snapshot(), gates).steps.map((step) => [step.id, step]));
    expect(gated["pre-failover-gate"]).toMatchObject({ needed: true, targets: [], hook: "calls endpoint change-freeze" });
    expect(gated["post-failover-gate"]).toMatchObject({ needed: true, targets: ["pg-europe-west3"], hook: "runs script pgbouncer-repoint" });
  });

  it("is blocked by residency, naming the rule", () => {
    const world = snapshot();
    world.replicas.push(replica({ id: "in", name: "pg-ap-south-1", regionId: "aws:ap-south-1", jurisdiction: "IN" }));
    const plan = planRun(switchover, { ...params, to_region: "aws:ap-south-1" }, world);
    expect(plan.blockers).toContain(
      "The datasets' residency allows the target region: residency refuses aws:ap-south-1: dataset orders may live only in EU, US; aws:ap-south-1 is in IN; dataset order-history may live only in EU, US; aws:ap-south-1 is in IN",
    );
  });

  it("is blocked by a lagging or non-streaming target", () => {
    const world = snapshot();
    world.replicas[1] = { ...world.replicas[1]!, lagBytes: 64 * 1024 * 1024, walReceiverStatus: "waiting" };
    const blockers = planRun(switchover, params, world).blockers;
    expect(blockers).toContain("The target's lag is within the policy's maximum: pg-eu-west-1 lags 64.0 MiB, over the policy maximum 1.0 MiB");
    expect(blockers).toContain("The target streams from the primary: pg-eu-west-1 is not streaming (WAL receiver waiting, health healthy)");
  });

  it("names each bad parameter", () => {
    expect(planRun(switchover, { service: "orders-db", to_region: "aws:us-east-1", reason: "x" }, snapshot()).blockers).toEqual([
      "reason must be at least 5 characters",
      "aws:us-east-1 already holds the primary",
    ]);
    expect(planRun(switchover, { service: "orders-db", reason: "because", extra: "1" }, snapshot()).blockers).toEqual([
      "to_region is required: Region of the standby that becomes the primary.",
      "planned-switchover takes no parameter extra",
    ]);
    expect(planRun(switchover, { ...params, to_region: "aws:nowhere" }, snapshot()).blockers).toEqual(["orders-db has no replica in aws:nowhere"]);
  });
});

describe("unplanned failover dry run", () => {
  const lost = (witnessesDown: number): ServiceSnapshot => {
    const world = snapshot();
    world.replicas[0] = { ...world.replicas[0]!, health: "stale", lastReportAt: ago(120_000) };
    const link = (fromReplicaId: string, fromRegionId: string, reachable: boolean) => ({
      fromReplicaId,
      toReplicaId: "us",
      fromRegionId,
      reachable,
      unreachableSince: reachable ? null : ago(60_000),
      observedAt: ago(1_000),
    });
    world.witnesses = [link("eu", "aws:eu-west-1", witnessesDown < 1), link("gcp", "gcp:europe-west3", witnessesDown < 2)];
    return world;
  };
  const failoverParams = { service: "orders-db", from_region: "aws:us-east-1", reason: "us-east-1 is down" };

  it("confirms the primary is unreachable only with a quorum of witnesses", () => {
    expect(planRun(failover, failoverParams, lost(2)).blockers).toEqual([]);
    expect(planRun(failover, failoverParams, lost(1)).blockers).toEqual([
      "The primary is unreachable (stale reports, witnesses cannot reach it): pg-us-east-1's reports stopped 2 min ago (stale after 5 s), but 1 witness in other regions still reaches it: the control plane lost contact with its agent",
    ]);
  });

  it("asks the automation's question: witnesses that failed for the whole window and observe now, not any link marked unreachable", () => {
    const context = (world: ServiceSnapshot) => ({ snapshot: world, primary: world.replicas[0]!, target: null, others: [], fencedLsn: null });
    const briefly = lost(2);
    briefly.witnesses = briefly.witnesses.map((link) => ({ ...link, unreachableSince: ago(2_000) }));
    expect(evaluateCondition("primary-unreachable", context(briefly))).toEqual({
      holds: false,
      sentence: "pg-us-east-1's reports stopped 2 min ago (stale after 5 s), but only 0 of the 2 witnesses in other regions the quorum needs have failed to reach it for 5 s",
    });
    const longAgo = lost(2);
    longAgo.witnesses = longAgo.witnesses.map((link) => ({ ...link, observedAt: ago(60_000) }));
    expect(evaluateCondition("primary-unreachable", context(longAgo))).toMatchObject({ holds: false });
    expect(evaluateCondition("primary-unreachable", context(lost(2)))).toEqual({
      holds: true,
      sentence: "pg-us-east-1's reports stopped 2 min ago (stale after 5 s), and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s",
    });
  });

  it("selects the least-lagging promotable standby when no target is named", () => {
    const plan = planRun(failover, failoverParams, lost(2));
    expect(plan).toMatchObject({ target: "pg-eu-west-1", targetChosenBy: "candidate selection", others: ["pg-europe-west3"] });
    expect(plan.steps.find((step) => step.id === "rpo-override")).toMatchObject({ needed: false });
  });

  it("needs the approval override for a candidate beyond the lag maximum", () => {
    const world = lost(2);
    world.replicas[1] = { ...world.replicas[1]!, noPromote: true };
    world.replicas[2] = { ...world.replicas[2]!, lagBytes: 8 * 1024 * 1024 };
    const plan = planRun(failover, failoverParams, world);
    expect(plan.target).toBe("pg-europe-west3");
    expect(plan.steps.find((step) => step.id === "rpo-override")).toMatchObject({ needed: true, condition: { holds: false } });
  });
});

describe("a former primary that is not yet reinstated", () => {
  it("is neither re-pointed nor a candidate", () => {
    const world = snapshot();
    world.writeReplicaId = "eu";
    world.replicas[0] = { ...world.replicas[0]!, role: "standby" };
    world.replicas[1] = { ...world.replicas[1]!, role: "primary", reportedRole: "primary" };
    const plan = planRun(switchover, { ...params, to_region: "gcp:europe-west3" }, world);
    expect(plan).toMatchObject({ primary: "pg-eu-west-1", target: "pg-europe-west3", others: [] });
  });
});

describe("reinstate former primary dry run", () => {
  /** After a switchover to eu-west-1: us-east-1 is fenced, still reporting itself a primary. */
  const afterSwitchover = (): ServiceSnapshot => {
    const world = snapshot();
    world.writeReplicaId = "eu";
    world.replicas[0] = { ...world.replicas[0]!, role: "standby", reportedRole: "primary" };
    world.replicas[1] = { ...world.replicas[1]!, role: "primary", reportedRole: "primary", walReceiverStatus: null };
    return world;
  };
  const reinstateParams = { service: "orders-db", region: "aws:us-east-1", reason: "rejoin after maintenance" };

  it("rewinds the former primary from whichever replica the route points at", () => {
    const plan = planRun(reinstate, reinstateParams, afterSwitchover());
    expect(plan).toMatchObject({ primary: "pg-eu-west-1", target: "pg-us-east-1", targetChosenBy: "parameter", blockers: [] });
    expect(plan.steps.map((step) => [step.id, step.targets])).toEqual([
      ["primary-reachable", []],
      ["confirm", []],
      ["rewind-former-primary", ["pg-us-east-1"]],
      ["target-streaming", []],
      ["verify-refuses-writes", ["pg-us-east-1"]],
      ["restore-sync", ["pg-eu-west-1"]],
    ]);
  });

  it("refuses to reinstate the replica that holds the write route, or a region without a replica", () => {
    expect(planRun(reinstate, { ...reinstateParams, region: "aws:eu-west-1" }, afterSwitchover()).blockers).toEqual([
      "aws:eu-west-1 holds the write route; only a former primary can be reinstated",
    ]);
    expect(planRun(reinstate, { ...reinstateParams, region: "aws:nowhere" }, afterSwitchover()).blockers).toEqual(["orders-db has no replica in aws:nowhere"]);
  });

  it("waits for a current primary that answers", () => {
    const world = afterSwitchover();
    world.replicas[1] = { ...world.replicas[1]!, health: "stale" };
    expect(planRun(reinstate, reinstateParams, world).blockers).toEqual(["The current primary answers its agent: pg-eu-west-1 does not answer (health stale)"]);
  });
});

describe("candidate selection", () => {
  const world = snapshot();
  const standbys = world.replicas.slice(1);

  it("prefers least lag, then priority, then name", () => {
    expect(selectCandidate(standbys, world.datasets)?.name).toBe("pg-eu-west-1");
    const tied = standbys.map((r) => ({ ...r, lagBytes: 10 }));
    expect(selectCandidate(tied, world.datasets)?.name).toBe("pg-eu-west-1");
    const equal = standbys.map((r) => ({ ...r, lagBytes: 10, promotionPriority: 1 }));
    expect(selectCandidate(equal, world.datasets)?.name).toBe("pg-eu-west-1");
  });

  it("never picks a replica marked noPromote, without an agent, silent, or outside residency", () => {
    expect(selectCandidate([{ ...standbys[0]!, noPromote: true }], world.datasets)).toBeNull();
    expect(selectCandidate([{ ...standbys[0]!, hasAgent: false }], world.datasets)).toBeNull();
    expect(selectCandidate([{ ...standbys[0]!, health: "stale" }], world.datasets)).toBeNull();
    expect(selectCandidate([{ ...standbys[0]!, jurisdiction: "IN" }], world.datasets)).toBeNull();
  });
});

describe("conditions", () => {
  it("each evaluate without a target, saying so", () => {
    const context = { snapshot: snapshot(), primary: null, target: null, others: [], fencedLsn: null };
    for (const condition of CONDITIONS) expect(evaluateCondition(condition, context)).toBeTruthy();
  });

  it("compare the target's replay position with the fenced primary's final one", () => {
    const world = snapshot();
    const context = { snapshot: world, primary: world.replicas[0]!, target: world.replicas[1]!, others: [], fencedLsn: 5_000n };
    expect(evaluateCondition("target-replayed-fenced-lsn", context)).toMatchObject({ holds: true });
    expect(evaluateCondition("target-replayed-fenced-lsn", { ...context, fencedLsn: 5_001n })).toEqual({
      holds: false,
      sentence: "pg-eu-west-1 replayed 5000, behind the fenced primary's final 5001",
    });
  });
});
