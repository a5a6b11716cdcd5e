import { describe, expect, it } from "vitest";
import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";
import { demoPolicy, demoTopology } from "@/test/fixtures/policy-topology";
import { validatePolicy } from "./validate-policy";

const messages = (issues: { message: string }[]) => issues.map((issue) => issue.message);

describe("validatePolicy", () => {
  it("accepts the demo service policy and the global default", () => {
    expect(validatePolicy(demoPolicy(), demoTopology())).toEqual([]);
    expect(validatePolicy(GLOBAL_DEFAULT_POLICY, demoTopology({ serviceId: null, replicas: [] }))).toEqual([]);
  });

  it("refuses a quorum larger than the witness regions, naming field, rule and count", () => {
    const issues = validatePolicy(demoPolicy((d) => (d.witness.quorum = 3)), demoTopology());
    expect(issues).toEqual([
      {
        field: "witness.quorum",
        rule: "quorum-exceeds-witnesses",
        message: "witness.quorum: quorum 3 exceeds the 2 witness regions of orders-db (a region is judged by the other regions)",
      },
    ]);
    expect(validatePolicy(demoPolicy((d) => (d.witness.quorum = 2)), demoTopology())).toEqual([]);
  });

  it("counts the global policy's witnesses over every known region", () => {
    const fourRegions = demoTopology({ serviceId: null, replicas: [], regions: [...demoTopology().regions, { id: "aws:ap-south-1", jurisdiction: "IN" }] });
    expect(validatePolicy({ ...GLOBAL_DEFAULT_POLICY, witness: { quorum: 3 } }, fourRegions)).toEqual([]);
    expect(messages(validatePolicy({ ...GLOBAL_DEFAULT_POLICY, witness: { quorum: 4 } }, fourRegions))).toEqual([
      "witness.quorum: quorum 4 exceeds the 3 witness regions of the global policy (a region is judged by the other regions)",
    ]);
  });

  it("names datasets the service does not have", () => {
    const issues = validatePolicy(demoPolicy((d) => (d.datasets.payments = { replication: "async", residency: { jurisdictions: ["EU"], regions: [] } })), demoTopology());
    expect(issues.map((issue) => [issue.field, issue.rule])).toEqual([["datasets.payments", "unknown-dataset"]]);
    expect(issues[0]!.message).toBe("datasets.payments: no dataset payments on orders-db (its datasets: orders, order-history)");
  });

  it("names unknown jurisdictions and regions, and regions outside the allowed jurisdictions", () => {
    const issues = validatePolicy(
      demoPolicy((d) => (d.datasets.orders!.residency = { jurisdictions: ["EU", "CN"], regions: ["aws:eu-west-1", "aws:us-east-1", "azure:nowhere"] })),
      demoTopology(),
    );
    expect(messages(issues)).toEqual([
      "datasets.orders.residency.jurisdictions: unknown jurisdiction CN (known: EU, US)",
      "datasets.orders.residency.regions: region aws:us-east-1 is in US, outside the allowed jurisdictions EU, CN",
      "datasets.orders.residency.regions: unknown region azure:nowhere (known: aws:us-east-1, aws:eu-west-1, gcp:europe-west3)",
    ]);
  });

  it("refuses residency no replica of the service satisfies", () => {
    const topology = demoTopology({ regions: [...demoTopology().regions, { id: "aws:ap-south-1", jurisdiction: "IN" }] });
    const issues = validatePolicy(demoPolicy((d) => (d.datasets["order-history"]!.residency = { jurisdictions: ["IN"], regions: [] })), topology);
    expect(issues.map((issue) => issue.rule)).toEqual(["no-compliant-replica"]);
    expect(issues[0]!.field).toBe("datasets.order-history.residency");
  });

  it("refuses a sync dataset when the service has no synchronous standby", () => {
    const topology = demoTopology();
    const asyncOnly = { ...topology, replicas: topology.replicas.map((replica) => (replica.role === "standby" ? { ...replica, replication: "async" as const } : replica)) };
    expect(messages(validatePolicy(demoPolicy(), asyncOnly))).toEqual(["datasets.orders.replication: sync replication needs a synchronous standby, and orders-db has none"]);
    expect(validatePolicy(demoPolicy((d) => (d.datasets.orders!.replication = "async")), asyncOnly)).toEqual([]);
  });

  it("refuses maintenance windows that end before they start, or overlap", () => {
    const issues = validatePolicy(
      demoPolicy((d) => {
        d.maintenanceWindows = [
          { startsAt: "2030-01-01T02:00:00Z", endsAt: "2030-01-01T04:00:00Z", reason: "kernel", automaticFailover: "held" as const },
          { startsAt: "2030-01-02T04:00:00Z", endsAt: "2030-01-02T02:00:00Z", reason: "backwards", automaticFailover: "held" as const },
          { startsAt: "2030-01-01T03:00:00Z", endsAt: "2030-01-01T05:00:00Z", reason: "overlaps the first", automaticFailover: "held" as const },
          { startsAt: "2030-01-01T04:00:00Z", endsAt: "2030-01-01T04:30:00Z", reason: "overlaps the third only", automaticFailover: "held" as const },
        ];
      }),
      demoTopology(),
    );
    expect(messages(issues)).toEqual([
      "maintenanceWindows.1: ends (2030-01-02T02:00:00Z) before it starts (2030-01-02T04:00:00Z)",
      "maintenanceWindows.2: overlaps maintenanceWindows.0 (2030-01-01T02:00:00Z – 2030-01-01T04:00:00Z)",
      "maintenanceWindows.3: overlaps maintenanceWindows.2 (2030-01-01T03:00:00Z – 2030-01-01T05:00:00Z)",
    ]);
  });

  it("accepts back-to-back maintenance windows", () => {
    const document = demoPolicy((d) => {
      d.maintenanceWindows = [
        { startsAt: "2030-01-01T02:00:00Z", endsAt: "2030-01-01T04:00:00Z", reason: "first", automaticFailover: "held" as const },
        { startsAt: "2030-01-01T04:00:00Z", endsAt: "2030-01-01T05:00:00Z", reason: "second", automaticFailover: "held" as const },
      ];
    });
    expect(validatePolicy(document, demoTopology())).toEqual([]);
  });

  it("refuses fewer approvals for safety-relevant changes than for others", () => {
    const issues = validatePolicy(demoPolicy((d) => (d.approvals = { safetyRelevant: 1, other: 2 })), demoTopology());
    expect(issues.map((issue) => [issue.field, issue.rule])).toEqual([["approvals.safetyRelevant", "approvals-safety-below-other"]]);
  });

  it("refuses a primary lease one lost renewal would let lapse, naming the field it comes from", () => {
    const set = validatePolicy(demoPolicy((d) => (d.heartbeat = { intervalSeconds: 1, missesBeforeUnfit: 5, primaryLeaseSeconds: 2 })), demoTopology());
    expect(messages(set)).toEqual([
      "heartbeat.primaryLeaseSeconds: the primary's lease would last 2 s, less than 2.3 s (two heartbeats of 1 s and the fence's 250 ms lead): one lost renewal would fence a healthy primary",
    ]);
    const byWindow = validatePolicy(demoPolicy((d) => (d.heartbeat = { intervalSeconds: 1, missesBeforeUnfit: 2 })), demoTopology());
    expect(byWindow.map((issue) => [issue.field, issue.rule])).toEqual([["heartbeat.missesBeforeUnfit", "lease-shorter-than-renewals"]]);
    expect(validatePolicy(demoPolicy((d) => (d.heartbeat = { intervalSeconds: 0.5, missesBeforeUnfit: 7, primaryLeaseSeconds: 1.25 })), demoTopology())).toEqual([]);
  });

  it("reports every broken rule at once", () => {
    const issues = validatePolicy(
      demoPolicy((d) => {
        d.witness.quorum = 5;
        d.approvals = { safetyRelevant: 1, other: 3 };
      }),
      demoTopology(),
    );
    expect(issues.map((issue) => issue.field)).toEqual(["witness.quorum", "approvals.safetyRelevant"]);
  });
});
