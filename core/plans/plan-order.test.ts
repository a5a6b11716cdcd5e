import { describe, expect, it } from "vitest";
import { planDependencies } from "./plan-order";

const SERVICES = ["orders-db", "orders-history", "payments-db", "search"];

describe("plan order", () => {
  it("turns groups into dependencies on every service of the group before", () => {
    const result = planDependencies(SERVICES, { groups: [["orders-db", "payments-db"], ["orders-history"], ["search"]] });
    expect(result).toEqual({ ok: true, dependsOn: { "orders-db": [], "payments-db": [], "orders-history": ["orders-db", "payments-db"], search: ["orders-history"] } });
  });

  it("adds explicit dependencies to the groups' and leaves services named nowhere free", () => {
    const result = planDependencies(SERVICES, { groups: [["orders-db"], ["orders-history"]], dependencies: [{ service: "search", after: ["payments-db", "orders-db"] }] });
    expect(result).toEqual({ ok: true, dependsOn: { "orders-db": [], "orders-history": ["orders-db"], "payments-db": [], search: ["orders-db", "payments-db"] } });
  });

  it("takes no order as every service free", () => {
    expect(planDependencies(SERVICES, {})).toEqual({ ok: true, dependsOn: Object.fromEntries(SERVICES.map((service) => [service, []])) });
  });

  it("names a service outside the plan, in groups and in dependencies, by field", () => {
    const result = planDependencies(SERVICES, { groups: [["orders-db", "billing"]], dependencies: [{ service: "ledger", after: [] }, { service: "search", after: ["nope"] }] });
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: "order.groups.0.1", message: "billing is not one of the plan's services" },
        { field: "order.dependencies.0.service", message: "ledger is not one of the plan's services" },
        { field: "order.dependencies.1.after.0", message: "nope is not one of the plan's services" },
      ],
    });
  });

  it("refuses a service in two groups and a service after itself", () => {
    const result = planDependencies(SERVICES, { groups: [["orders-db"], ["orders-db"]], dependencies: [{ service: "search", after: ["search"] }] });
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: "order.groups.1.0", message: "orders-db is already in group 0" },
        { field: "order.dependencies.0.after.0", message: "search cannot wait for itself" },
      ],
    });
  });

  it("names a cycle service by service", () => {
    const result = planDependencies(SERVICES, {
      dependencies: [
        { service: "orders-db", after: ["payments-db"] },
        { service: "payments-db", after: ["search"] },
        { service: "search", after: ["orders-db"] },
      ],
    });
    expect(result).toEqual({ ok: false, problems: [{ field: "order", message: "the order has a cycle: orders-db waits for payments-db waits for search waits for orders-db" }] });
  });

  it("finds a cycle that groups and dependencies make together", () => {
    const result = planDependencies(SERVICES, { groups: [["orders-db"], ["orders-history"]], dependencies: [{ service: "orders-db", after: ["orders-history"] }] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]!.message).toMatch(/cycle: .*orders-db.*orders-history/);
  });
});
