import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "@/contracts/policy";
import { demoTopology } from "@/test/fixtures/policy-topology";
import { decideRegionRetirement, decideServiceRetirement, RETIREMENT_MODES, type RegionRetirementFacts, type ServiceRetirementFacts } from "./retirement";
import { ORDERS_POLICY } from "@/test/fixtures/topology-fleet";

const service = (facts: Partial<ServiceRetirementFacts> = {}): ServiceRetirementFacts => ({ serviceId: "orders-db", retiredAt: null, activeRun: null, agentsEver: 3, ...facts });

const policy = (change: (document: PolicyDocument) => void = () => {}): PolicyDocument => {
  const document = structuredClone(ORDERS_POLICY);
  change(document);
  return document;
};

/** A fourth, empty region next to the demo's three. */
const region = (facts: Partial<RegionRetirementFacts> = {}): RegionRetirementFacts => ({
  regionId: "azure:westeurope",
  retiredAt: null,
  replicas: [],
  policies: [
    { scope: "global", document: policy() },
    { scope: "service:orders-db", document: policy() },
  ],
  globalTopology: demoTopology({ serviceId: null, regions: [...demoTopology().regions, { id: "azure:westeurope", jurisdiction: "EU" }] }),
  ...facts,
});

describe("retiring a service", () => {
  it("needs the policy's approvers once the service has had an agent: failover of data that may still be live ends", () => {
    expect(decideServiceRetirement(service())).toEqual({ ok: true, mode: "change-request", reason: "service-had-agents", why: RETIREMENT_MODES["service-had-agents"].sentence });
  });

  it("is an admin's to apply directly when no replica of it ever had an agent", () => {
    expect(decideServiceRetirement(service({ agentsEver: 0 }))).toMatchObject({ ok: true, mode: "direct", reason: "service-never-had-agent" });
  });

  it("is refused while a run is active on the service, naming the run", () => {
    const decision = decideServiceRetirement(service({ activeRun: { id: "run-1", runbookId: "planned-switchover", status: "waiting" }, agentsEver: 0 }));
    expect(decision).toEqual({
      ok: false,
      rule: "service-run-active",
      field: "id",
      message: "orders-db has the active run run-1 (planned-switchover, waiting): let it finish, or abort it, then retire the service",
    });
  });

  it("is refused for a service already retired, before anything else", () => {
    const retiredAt = new Date("2026-12-01T10:00:00Z");
    const decision = decideServiceRetirement(service({ retiredAt, activeRun: { id: "run-1", runbookId: "planned-switchover", status: "running" } }));
    expect(decision).toMatchObject({ ok: false, rule: "service-retired", message: "orders-db was already retired at 2026-12-01T10:00:00.000Z" });
  });
});

describe("retiring a region", () => {
  it("is an admin's to apply directly once no replica lives there and no policy names it: it cannot alter a failover", () => {
    expect(decideRegionRetirement(region())).toEqual({ ok: true, mode: "direct", reason: "region-unused", why: RETIREMENT_MODES["region-unused"].sentence });
  });

  it("is refused while active replicas live there, naming them", () => {
    expect(decideRegionRetirement(region({ regionId: "aws:eu-west-1", replicas: ["orders-db/pg-eu-west-1", "billing-db/b"] }))).toEqual({
      ok: false,
      rule: "region-has-replicas",
      field: "id",
      message: "aws:eu-west-1 still holds the active replicas orders-db/pg-eu-west-1, billing-db/b: retire or move them first",
    });
  });

  it("is refused while a policy in force names it in a residency rule, naming the policy and the field", () => {
    const naming = policy((document) => (document.datasets.orders!.residency.regions = ["aws:us-east-1", "azure:westeurope"]));
    const decision = decideRegionRetirement(region({ policies: [{ scope: "global", document: policy() }, { scope: "service:orders-db", document: naming }] }));
    expect(decision).toEqual({
      ok: false,
      rule: "region-named-by-policy",
      field: "id",
      message: "azure:westeurope is named by service:orders-db datasets.orders.residency.regions: change that policy first",
    });
  });

  it("is refused when the global policy's witness quorum would no longer fit the regions left", () => {
    const tight = policy((document) => (document.witness.quorum = 3));
    const decision = decideRegionRetirement(region({ policies: [{ scope: "global", document: tight }] }));
    expect(decision).toMatchObject({ ok: false, rule: "policy-broken" });
    expect(decision.ok || decision.message).toMatch(/^without azure:westeurope the global policy would break a rule: witness\.quorum: quorum 3 exceeds the 2 witness regions/);
  });

  it("does not blame the region for what the global policy breaks already", () => {
    const broken = policy((document) => (document.witness.quorum = 9));
    expect(decideRegionRetirement(region({ policies: [{ scope: "global", document: broken }] }))).toMatchObject({ ok: true, mode: "direct" });
  });

  it("is refused for a region already retired", () => {
    expect(decideRegionRetirement(region({ retiredAt: new Date("2026-12-01T10:00:00Z") }))).toMatchObject({ ok: false, rule: "region-retired" });
  });
});
