import { describe, expect, it } from "vitest";
import type { FleetDocument, FleetService } from "@/contracts/topology";
import { planTopology } from "./plan-topology";
import { proposalDiff } from "./topology-diff";
import { demoFleet, ORDERS_POLICY, ordersDb } from "@/test/fixtures/topology-fleet";

const policyOf = (serviceId: string) => (serviceId === "orders-db" ? ORDERS_POLICY : undefined);
const plan = (document: Partial<FleetDocument>, live = demoFleet()) => planTopology({ live, document: { version: 1, regions: [], services: [], ...document }, policyOf });
const scope = (result: ReturnType<typeof plan>, name: string) => result.scopes.find((candidate) => candidate.scope === name)!;
const rules = (result: ReturnType<typeof plan>) => result.issues.map((found) => [found.rule, found.field]);
const withOrders = (change: (service: FleetService) => void) => {
  const service = ordersDb();
  change(service);
  return { services: [service] };
};

describe("planning a topology change", () => {
  it("changes nothing when the document says what is live (export, then apply)", () => {
    const live = demoFleet();
    const result = plan({ regions: live.regions, services: live.services });
    expect(result.scopes.map((found) => [found.scope, found.mode])).toEqual([
      ["regions", "none"],
      ["service:orders-db", "none"],
    ]);
    expect(result.issues).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it("asks for approvals for what can alter a failover, and says which fields and why", () => {
    const result = plan(
      withOrders((service) => {
        service.replicas[2]!.promotionPriority = 95;
        service.replicas.push({ name: "pg-us-west-2", region: "aws:us-east-1", host: "10.0.0.9", port: 5432, database: "orders", replication: "async", promotionPriority: 10, noPromote: true, witnessOnly: false });
      }),
    );
    const orders = scope(result, "service:orders-db");
    expect(orders.mode).toBe("change-request");
    expect(orders.changes.map((change) => change.text)).toEqual([
      "replica added: pg-us-west-2 in aws:us-east-1 at 10.0.0.9:5432/orders, async, never promoted, priority 10",
      "replica pg-europe-west3: promotionPriority 50 → 95",
    ]);
    expect(orders.why).toBe("replicas.pg-us-west-2, replicas.pg-europe-west3.promotionPriority can alter what a failover does: a change request, approved by the policy's approvers");
    expect(result.issues).toEqual([]);
  });

  it("lets an admin apply directly what cannot alter a failover: names, descriptions, owners, the RTO budget", () => {
    const result = plan(
      withOrders((service) => {
        service.description = "Orders";
        service.datasets[0]!.ownerTeam = "payments";
        service.datasets[1]!.rtoSeconds = 900;
      }),
    );
    expect(scope(result, "service:orders-db")).toMatchObject({ mode: "direct" });
    expect(scope(result, "service:orders-db").changes.map((change) => [change.field, change.governed])).toEqual([
      ["service.description", false],
      ["datasets.orders.ownerTeam", false],
      ["datasets.order-history.rtoSeconds", false],
    ]);
  });

  it("applies a change of labels directly, and sees the same labels in another order as no change", () => {
    const labelled = plan(withOrders((service) => (service.labels = { tier: "critical", team: "checkout" })));
    expect(scope(labelled, "service:orders-db")).toMatchObject({ mode: "direct" });
    expect(scope(labelled, "service:orders-db").changes.map((change) => [change.field, change.text, change.governed])).toEqual([
      ["service.labels", 'service orders-db: labels {} → {"tier":"critical","team":"checkout"}', false],
    ]);
    const live = demoFleet();
    live.services[0]!.labels = { team: "checkout", tier: "critical" };
    expect(scope(plan(withOrders((service) => (service.labels = { tier: "critical", team: "checkout" })), live), "service:orders-db").mode).toBe("none");
  });

  it("creates a brand-new service directly, with its new regions", () => {
    const result = plan({
      regions: [{ cloud: "azure", code: "westeurope", jurisdiction: "EU", displayName: "Azure West Europe" }],
      services: [
        {
          id: "billing-db",
          name: "Billing",
          description: "",
          labels: {},
          engine: "postgresql",
          primary: "billing-a",
          datasets: [{ name: "invoices", ownerTeam: "billing", consistency: "strong", rpoSeconds: 0, rtoSeconds: 120 }],
          replicas: [
            { name: "billing-a", region: "azure:westeurope", host: "10.1.0.1", port: 5432, database: "billing", replication: "sync", promotionPriority: 100, noPromote: false, witnessOnly: false },
            { name: "billing-b", region: "aws:eu-west-1", host: "10.1.0.2", port: 5432, database: "billing", replication: "sync", promotionPriority: 90, noPromote: false, witnessOnly: false },
          ],
        },
      ],
    });
    expect(result.scopes.map((found) => [found.scope, found.mode])).toEqual([
      ["regions", "direct"],
      ["service:billing-db", "direct"],
    ]);
    expect(scope(result, "regions").changes[0]!.text).toBe("region added: azure:westeurope (Azure West Europe, EU)");
    expect(result.issues).toEqual([]);
  });

  it("opens a change request for every changed scope when approval is asked always, with the policy's count that fits its changes", () => {
    const billing: FleetService = { ...ordersDb(), id: "billing-db", name: "Billing", primary: "pg-us-east-1", replicas: ordersDb().replicas.map((replica) => ({ ...replica, port: replica.port + 1000 })) };
    const always = (document: Partial<FleetDocument>) =>
      planTopology({ live: demoFleet(), document: { version: 1, regions: [], services: [], ...document }, policyOf, approval: "always" });
    const fresh = always({ regions: [{ cloud: "azure", code: "westeurope", jurisdiction: "EU", displayName: "Azure West Europe" }], services: [billing] });
    expect(fresh.scopes.map((found) => [found.scope, found.mode, found.approvals])).toEqual([
      ["regions", "change-request", "other"],
      ["service:billing-db", "change-request", "other"],
    ]);
    expect(scope(fresh, "service:billing-db").why).toBe(
      'service:billing-db is new and has no agents yet, so an admin could create it directly, but approval "always" was asked: a change request, approved by as many of the policy\'s approvers as approvals.other asks (nothing in it is safety-relevant)',
    );
    // What needs approvals anyway needs the safety-relevant count; what does not change is still left alone.
    const governed = always(withOrders((service) => (service.replicas[2]!.promotionPriority = 95)));
    expect(governed.scopes.map((found) => [found.scope, found.mode, found.approvals])).toEqual([
      ["regions", "none", null],
      ["service:orders-db", "change-request", "safetyRelevant"],
    ]);
    const asked = plan(withOrders((service) => (service.replicas[2]!.promotionPriority = 95)));
    expect(scope(governed, "service:orders-db").why).toBe(scope(asked, "service:orders-db").why);
    expect(scope(plan({ services: [billing] }), "service:billing-db")).toMatchObject({ mode: "direct", approvals: null });
  });

  it("refuses what breaks a rule, naming the field and the rule", () => {
    const bad = ordersDb();
    bad.replicas[1]!.region = "aws:mars-1";
    bad.replicas.push({ ...bad.replicas[2]!, name: "pg-copy" });
    bad.datasets.push({ ...bad.datasets[0]! });
    expect(rules(plan({ services: [bad] }))).toEqual([
      ["unknown-region", "services.orders-db.replicas.pg-eu-west-1.region"],
      ["duplicate-dataset", "services.orders-db.datasets.orders"],
      ["endpoint-taken", "services.orders-db.replicas.pg-copy.port"],
    ]);
    expect(plan({ services: [bad] }).issues[2]!.message).toBe("services.orders-db.replicas.pg-copy.port: 127.0.0.1:14433 is already orders-db/pg-europe-west3's");
  });

  it("never retires the replica taking writes, nor leaves strong data without a synchronous standby", () => {
    const retired = plan(withOrders((service) => (service.replicas = service.replicas.filter((replica) => replica.name !== "pg-us-east-1"))));
    expect(rules(retired)).toContainEqual(["write-replica-retired", "services.orders-db.replicas"]);
    const noSync = plan(withOrders((service) => (service.replicas[1]!.replication = "async")));
    expect(rules(noSync)).toEqual([
      ["strong-without-sync-standby", "services.orders-db.replicas"],
      ["policy-broken", "services.orders-db.policy.datasets.orders.replication"],
    ]);
  });

  it("keeps the primary where the write route points: another one in the document is a note, not a change", () => {
    const result = plan(withOrders((service) => (service.primary = "pg-eu-west-1")));
    expect(scope(result, "service:orders-db").mode).toBe("none");
    expect(result.notes).toEqual([
      "services.orders-db.primary: the document names pg-eu-west-1, but writes go to pg-us-east-1; the primary moves by a runbook (planned-switchover), so this is not changed",
    ]);
  });

  it("governs a region's jurisdiction, and refuses one that puts a primary outside its datasets' residency", () => {
    const live = demoFleet();
    const eu = { ...live.regions[1]!, jurisdiction: "UK" };
    expect(scope(plan({ regions: [eu] }), "regions")).toMatchObject({ mode: "change-request" });
    const us = { ...live.regions[0]!, jurisdiction: "CA" };
    const moved = plan({ regions: [us] });
    expect(rules(moved)).toContainEqual(["primary-outside-residency", "services.orders-db.replicas.pg-us-east-1.region"]);
  });

  it("refuses removing a dataset the policy still has a rule for, and a witness-only or unlisted primary of a new service", () => {
    expect(rules(plan(withOrders((service) => service.datasets.pop())))).toEqual([["policy-broken", "services.orders-db.policy.datasets.order-history"]]);
    const fresh: FleetService = { ...ordersDb(), id: "fresh-db", primary: "nowhere", datasets: [], replicas: [{ ...ordersDb().replicas[0]!, port: 6000 }] };
    expect(rules(plan({ services: [fresh] }))).toEqual([["primary-not-listed", "services.fresh-db.primary"]]);
    const witness: FleetService = { ...fresh, primary: "pg-us-east-1", replicas: [{ ...fresh.replicas[0]!, witnessOnly: true }] };
    expect(rules(plan({ services: [witness] }))).toEqual([["primary-witness-only", "services.fresh-db.primary"]]);
  });

  it("offers a retired region nowhere: a replica placed there, or a document bringing it back, is refused naming the rule", () => {
    const live = { ...demoFleet(), retired: { services: [], regions: ["aws:us-west-2"] } };
    const placed = plan(withOrders((service) => service.replicas.push({ ...service.replicas[2]!, name: "pg-us-west-2", region: "aws:us-west-2", port: 14439 })), live);
    expect(rules(placed)).toEqual([["region-retired", "services.orders-db.replicas.pg-us-west-2.region"]]);
    expect(placed.issues[0]!.message).toBe("services.orders-db.replicas.pg-us-west-2.region: aws:us-west-2 is retired and takes no replica");
    const back = plan({ regions: [{ cloud: "aws", code: "us-west-2", jurisdiction: "US", displayName: "AWS Oregon" }] }, live);
    expect(rules(back)).toEqual([["region-retired", "regions.aws:us-west-2"]]);
  });

  it("never takes a retired service's id again", () => {
    const live = { ...demoFleet(), retired: { services: ["billing-db"], regions: [] } };
    const reused: FleetService = { ...ordersDb(), id: "billing-db", replicas: ordersDb().replicas.map((replica) => ({ ...replica, host: "10.9.0.1" })) };
    expect(rules(plan({ services: [reused] }, live))).toEqual([["service-retired", "services.billing-db"]]);
  });

  it("reads a service scope whose proposal holds no service any more as that service retired, governed", () => {
    const before = { version: 1 as const, regions: [], services: [ordersDb()] };
    expect(proposalDiff(before, { version: 1, regions: [], services: [] })).toEqual([
      expect.objectContaining({
        scope: "service:orders-db",
        field: "service",
        kind: "removed",
        governed: true,
        text: "service orders-db retired (primary pg-us-east-1): replicas pg-us-east-1, pg-eu-west-1, pg-europe-west3 retired with it and their agents revoked; datasets orders, order-history; nothing acts on it any more, and its history stays readable",
      }),
    ]);
  });

  it("does not let a rule the live topology already breaks block an unrelated change", () => {
    const live = demoFleet();
    live.services[0]!.replicas[1]!.replication = "async";
    const result = plan(withOrders((service) => ((service.replicas[1]!.replication = "async"), (service.description = "renamed"))), live);
    expect(result.issues).toEqual([]);
    expect(scope(result, "service:orders-db").mode).toBe("direct");
  });
});
