import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "@/contracts/policy";
import type { ReplicaFacts, ServiceFacts } from "./alert-facts";
import { ALERT_RULE_IDS, ALL_ALERT_RULES, detectAll } from "./alert-rules";

const MIB = 1024 * 1024;
const NOW = new Date("2026-11-26T10:00:00Z");
const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

const policy: PolicyDocument = {
  heartbeat: { intervalSeconds: 1, missesBeforeUnfit: 5 },
  witness: { quorum: 2 },
  failover: { automatic: false, maxLagBytes: 1 * MIB, cooldownSeconds: 900, cooldownAfterSwitchover: false, errantTransactions: "refuse" },
  datasets: {},
  maintenanceWindows: [],
  alerts: { forSeconds: 30, slotRetainedBytesMax: 64 * MIB, conflictsPerMinuteMax: 10 },
  approvals: { safetyRelevant: 2, other: 1 },
  drills: { requireApproval: false, approvalExpiresAfterMinutes: 240 },
};

const replica = (overrides: Partial<ReplicaFacts> & Pick<ReplicaFacts, "id" | "name">): ReplicaFacts => ({
  role: "standby",
  hasAgent: true,
  lastReportAt: secondsAgo(1),
  reachable: true,
  reportedRole: "standby",
  lagBytes: 1000,
  lagSeconds: 0.2,
  standbys: [],
  slots: [],
  settings: { synchronous_commit: "on", synchronous_standby_names: "", default_transaction_read_only: "off" },
  conflictsPerMinute: 0,
  ...overrides,
});

/** A healthy strong service: the primary names its synchronous standby, which streams. */
function healthy(): ServiceFacts {
  return {
    id: "orders-db",
    policy,
    policyVersion: 1,
    writeReplicaId: "us",
    strong: true,
    rpoSeconds: 5,
    replicas: [
      replica({
        id: "us",
        name: "pg-us-east-1",
        role: "primary",
        reportedRole: "primary",
        lagBytes: null,
        lagSeconds: null,
        standbys: [
          { applicationName: "pg-eu-west-1", state: "streaming", syncState: "sync" },
          { applicationName: "pg-europe-west3", state: "streaming", syncState: "async" },
        ],
        slots: [{ name: "pg_eu_west_1", retainedBytes: 1000 }],
        settings: { synchronous_commit: "on", synchronous_standby_names: 'FIRST 1 ("pg-eu-west-1")', default_transaction_read_only: "off" },
      }),
      replica({ id: "eu", name: "pg-eu-west-1" }),
      replica({ id: "gcp", name: "pg-europe-west3", lagSeconds: 1 }),
    ],
    automationHolds: [],
    notDecided: null,
    refusedScheduledRuns: [],
    auditTrail: { broken: null, unpublished: null },
  };
}

const sentences = (service: ServiceFacts) => detectAll([service], NOW).map((detection) => `${detection.ruleId} ${detection.subject.key}: ${detection.sentence}`);
const change = (mutate: (service: ServiceFacts) => void) => {
  const service = healthy();
  mutate(service);
  return sentences(service);
};
const at = (service: ServiceFacts, id: string) => service.replicas.find((candidate) => candidate.id === id)!;

describe("alert rules", () => {
  it("are a well-formed table: every id once, in the declared order, each with a title and description", () => {
    expect(ALL_ALERT_RULES.map((rule) => rule.id)).toEqual([...ALERT_RULE_IDS]);
    for (const rule of ALL_ALERT_RULES) expect(rule.title.length * rule.description.length).toBeGreaterThan(0);
  });

  it("say nothing about a healthy service", () => {
    expect(sentences(healthy())).toEqual([]);
  });

  it("heartbeat-stale: an agent silent beyond the staleness window, or never heard from; not a replica without an agent", () => {
    expect(
      change((service) => {
        at(service, "gcp").lastReportAt = secondsAgo(12);
        at(service, "eu").lastReportAt = null;
      }),
    ).toEqual(["heartbeat-stale replica:eu: pg-eu-west-1 has an agent that has never reported", "heartbeat-stale replica:gcp: pg-europe-west3 has not reported for 12 s (staleness window 5 s)"]);
    expect(change((service) => Object.assign(at(service, "gcp"), { lastReportAt: null, hasAgent: false }))).toEqual([]);
    expect(change((service) => (at(service, "gcp").lastReportAt = secondsAgo(5)))).toEqual([]);
  });

  it("replica-unreachable: the agent reports its replica does not answer", () => {
    expect(change((service) => (at(service, "gcp").reachable = false))).toEqual(["replica-unreachable replica:gcp: pg-europe-west3 does not answer its agent"]);
  });

  it("lag-above-budget: seconds over the RPO budget, bytes over the policy maximum, or both; never from a stale report", () => {
    expect(change((service) => (at(service, "gcp").lagSeconds = 12))).toEqual(["lag-above-budget replica:gcp: pg-europe-west3 lags 12 s, over the RPO budget of 5 s"]);
    expect(change((service) => Object.assign(at(service, "gcp"), { lagSeconds: 12, lagBytes: 3 * MIB }))).toEqual([
      "lag-above-budget replica:gcp: pg-europe-west3 lags 12 s, over the RPO budget of 5 s and 3.0 MiB, over the policy maximum of 1.0 MiB",
    ]);
    expect(change((service) => (at(service, "gcp").lagBytes = 2 * MIB))).toEqual(["lag-above-budget replica:gcp: pg-europe-west3 lags 2.0 MiB, over the policy maximum of 1.0 MiB"]);
    expect(change((service) => Object.assign(at(service, "gcp"), { lagSeconds: 12, lastReportAt: secondsAgo(30) }))).not.toContainEqual(expect.stringContaining("lag-above-budget"));
    expect(change((service) => Object.assign(service, { rpoSeconds: null }) && (at(service, "gcp").lagSeconds = 500))).toEqual([]);
  });

  it("sync-standby-missing: a strong service's primary with no synchronous standby named, or none streaming", () => {
    expect(change((service) => (at(service, "us").settings!.synchronous_standby_names = ""))).toEqual([
      "sync-standby-missing replica:us: pg-us-east-1 names no synchronous standby: commits do not wait for any standby, so RPO 0 is not guaranteed",
    ]);
    expect(change((service) => (at(service, "us").standbys = [{ applicationName: "pg-europe-west3", state: "streaming", syncState: "async" }]))).toEqual([
      'sync-standby-missing replica:us: pg-us-east-1 names synchronous standbys (FIRST 1 ("pg-eu-west-1")) but none is streaming: every commit blocks',
    ]);
    expect(
      change((service) => {
        at(service, "us").standbys = [];
        at(service, "us").settings!.synchronous_commit = "local";
      }),
    ).toContainEqual(expect.stringContaining("commits do not wait (synchronous_commit is local), so RPO 0 is not guaranteed"));
    expect(change((service) => Object.assign(service, { strong: false }) && (at(service, "us").settings!.synchronous_standby_names = ""))).toEqual([]);
  });

  // MariaDB reports no synchronous_standby_names: the rule read that as "names none" and fired for every strong MariaDB service.
  it("sync-standby-missing: a primary without the setting (MariaDB) by its standbys' acknowledgements alone", () => {
    const mariadb = (syncState: string) =>
      change((service) => {
        at(service, "us").settings = { synchronous_commit: null, synchronous_standby_names: null, default_transaction_read_only: "off" };
        at(service, "us").standbys = [
          { applicationName: "pg-eu-west-1", state: "streaming", syncState },
          { applicationName: "pg-europe-west3", state: "streaming", syncState: "async" },
        ];
      });
    expect(mariadb("sync")).toEqual([]);
    expect(mariadb("async")).toEqual(["sync-standby-missing replica:us: pg-us-east-1 has no synchronous standby acknowledging its commits: RPO 0 is not guaranteed"]);
  });

  // The alert rule accepted any one `sync` or `quorum` standby: short under ANY 2 or FIRST 2 with one, it stayed silent while every commit blocked.
  it("sync-standby-missing: counts the confirmations synchronous_standby_names needs, `quorum` ones under ANY n", () => {
    const names = (value: string, standbys: { applicationName: string; state: string; syncState: string }[]) =>
      change((service) => Object.assign(at(service, "us"), { standbys, settings: { ...at(service, "us").settings!, synchronous_standby_names: value } }));
    const quorum = (name: string) => ({ applicationName: name, state: "streaming", syncState: "quorum" });
    expect(names('ANY 1 ("pg-eu-west-1", "pg-europe-west3")', [quorum("pg-europe-west3")])).toEqual([]);
    expect(names('ANY 2 ("pg-eu-west-1", "pg-europe-west3")', [quorum("pg-eu-west-1"), quorum("pg-europe-west3")])).toEqual([]);
    expect(names('ANY 2 ("pg-eu-west-1", "pg-europe-west3")', [quorum("pg-europe-west3")])).toEqual([
      'sync-standby-missing replica:us: pg-us-east-1 names synchronous standbys (ANY 2 ("pg-eu-west-1", "pg-europe-west3")) but only 1 of the 2 it needs is streaming (pg-europe-west3): every commit blocks',
    ]);
    expect(names('FIRST 2 ("pg-eu-west-1", "pg-europe-west3")', [{ applicationName: "pg-eu-west-1", state: "streaming", syncState: "sync" }])).toHaveLength(1);
  });

  it("slot-retaining-wal: a slot on the primary keeping more WAL than the policy allows, one alert per slot", () => {
    expect(change((service) => (at(service, "us").slots = [{ name: "pg_eu_west_1", retainedBytes: 100 * MIB }, { name: "cdc", retainedBytes: 65 * MIB }, { name: "ok", retainedBytes: null }]))).toEqual([
      "slot-retaining-wal replica:us:slot:pg_eu_west_1: slot pg_eu_west_1 on pg-us-east-1 retains 100 MiB of WAL, over the policy maximum of 64.0 MiB",
      "slot-retaining-wal replica:us:slot:cdc: slot cdc on pg-us-east-1 retains 65.0 MiB of WAL, over the policy maximum of 64.0 MiB",
    ]);
  });

  it("setting-drift: roles that disagree with the route, a write primary refusing writes, asynchronous commits for strong data", () => {
    expect(change((service) => (at(service, "eu").reportedRole = "primary"))).toEqual([
      "setting-drift replica:eu: pg-eu-west-1: it reports itself a primary, but the write route points elsewhere (a former primary: run reinstate-former-primary)",
    ]);
    expect(change((service) => (at(service, "us").settings!.default_transaction_read_only = "on"))).toEqual([
      "setting-drift replica:us: pg-us-east-1: it is the write primary but refuses writes (default_transaction_read_only = on)",
    ]);
    expect(change((service) => (at(service, "us").settings!.synchronous_commit = "off"))).toContainEqual(
      "setting-drift replica:us: pg-us-east-1: synchronous_commit is off, but a strong dataset needs on, remote_write or remote_apply",
    );
    expect(change((service) => (at(service, "us").reportedRole = "standby"))).toEqual([
      "setting-drift replica:us: pg-us-east-1: the write route points at it, but it reports itself a standby",
    ]);
  });

  it("automatic-failover-held: one alert per decision that leaves a confirmed loss to people, with the decision's sentence", () => {
    const sentence = "pg-us-east-1's reports stopped 8 s ago …; not failing over: automation is paused (game day); detection and alerts only";
    expect(change((service) => (service.automationHolds = [{ ruleId: "failover-paused", sentence }]))).toEqual([`automatic-failover-held automation:failover-paused: ${sentence}`]);
  });

  it("automation-not-deciding: one alert per service the decider is not deciding for, saying why", () => {
    const why = "The decider has stopped: its last complete pass ended 40 s ago, so automatic failover is not being decided.";
    expect(change((service) => (service.notDecided = why))).toEqual([`automation-not-deciding automation:decider: Automatic failover is not being decided for orders-db: ${why}`]);
  });

  it("scheduled-run-refused: one alert per refused scheduled run, naming the runbook, its time and why", () => {
    const refused = { kind: "run" as const, id: "run-1", what: "planned-switchover", scheduledAt: new Date("2030-01-01T02:00:00Z"), error: "refused at its time: another run is active on the service (x, run-0)" };
    const plan = { kind: "plan" as const, id: "plan-1", what: "region evacuation plan out of aws:us-east-1", scheduledAt: new Date("2030-01-01T02:00:00Z"), error: "not started at its time: …" };
    expect(change((service) => (service.refusedScheduledRuns = [refused, plan]))).toEqual([
      "scheduled-run-refused run:run-1: planned-switchover scheduled for 2030-01-01T02:00:00.000Z on orders-db did not start: refused at its time: another run is active on the service (x, run-0)",
      "scheduled-run-refused plan:plan-1: region evacuation plan out of aws:us-east-1 scheduled for 2030-01-01T02:00:00.000Z on orders-db did not start: not started at its time: …",
    ]);
  });

  it("audit-chain-broken and audit-checkpoints-unpublished: the publisher's sentences, about the audit trail", () => {
    const broken = "The audit chain breaks at #12 (hash_mismatch); it verifies through #11 only.";
    expect(change((service) => (service.auditTrail = { broken, unpublished: null }))).toEqual([`audit-chain-broken audit:trail: ${broken}`]);
    const unpublished = "Audit checkpoints are not being published off the box (s3: PUT refused).";
    expect(change((service) => (service.auditTrail = { broken: null, unpublished }))).toEqual([`audit-checkpoints-unpublished audit:trail: ${unpublished}`]);
  });

  it("conflict-rate: more conflicts in the last minute than the policy allows", () => {
    expect(change((service) => (at(service, "gcp").conflictsPerMinute = 11))).toEqual(["conflict-rate replica:gcp: pg-europe-west3 had 11 conflicts in the last minute (policy maximum 10)"]);
    expect(change((service) => (at(service, "gcp").conflictsPerMinute = 10))).toEqual([]);
  });

  it("drill-failed and drill-overdue: the latest drill's failure, and one alert per overdue repeating drill", () => {
    const failed = "The planned-switchover drill d1 of orders-db failed: order-history: writes resumed after 12 s, over its RTO budget of 10 s.";
    const overdue = "The planned-switchover drill of orders-db was due 2026-12-04T11:00:00.000Z and has not run for 2 days past it.";
    expect(change((service) => (service.drills = { failed: { id: "d1", sentence: failed }, overdue: [{ scheduleId: "s1", sentence: overdue }] }))).toEqual([
      `drill-failed drill:latest: ${failed}`,
      `drill-overdue drill-schedule:s1: ${overdue}`,
    ]);
    expect(change((service) => (service.drills = { failed: null, overdue: [] }))).toEqual([]);
  });
});
