import { describe, expect, it } from "vitest";
import { verifyLedger } from "@/lab/verify";
import { productForFile, until } from "../support/product";

/**
 * The product as npm start runs it, with both PostgreSQL demo services: the
 * lab declares orders-db and payments-db, enrolls an agent per replica of
 * each, and writes to each service through its own write route and ledger.
 * sessions-db (MariaDB, run when installed) has chaos-mariadb.test.ts.
 */
const product = productForFile({ labServices: ["orders-db", "payments-db"] });

describe("the lab with two services under npm start", () => {
  it("declares both services with their primary in aws:us-east-1, each with its own policy", async () => {
    const { json } = await product.api("GET", "/api/v1/services", product.operator);
    expect(json.services.map((service: { id: string }) => service.id).sort()).toEqual(["orders-db", "payments-db"]);
    for (const [service, writer] of [
      ["orders-db", "pg-us-east-1"],
      ["payments-db", "pay-us-east-1"],
    ] as const) {
      expect((await product.api("GET", `/api/v1/services/${service}/route`, product.operator)).json).toMatchObject({ writeRegionId: "aws:us-east-1", writeReplica: writer });
      const policy = (await product.api("GET", `/api/v1/services/${service}/policy`, product.operator)).json;
      expect(JSON.stringify(policy)).toContain(service === "orders-db" ? "order-history" : "payment-events");
    }
  });

  it("runs an agent per replica of each service, every one reporting healthy", async () => {
    for (const service of ["orders-db", "payments-db"]) {
      const { json } = await until(
        `every replica of ${service} healthy`,
        () => product.api("GET", `/api/v1/services/${service}`, product.operator),
        ({ json }) => json.replicas?.length === 3 && json.replicas.every((replica: { live: { health: string } }) => replica.live.health === "healthy"),
        120_000,
      );
      expect(json.replicas.map((replica: { name: string }) => replica.name).sort()).toEqual(
        service === "orders-db" ? ["pg-eu-west-1", "pg-europe-west3", "pg-us-east-1"] : ["pay-eu-west-1", "pay-europe-west3", "pay-us-east-1"],
      );
    }
  }, 180_000);

  it("writes to each service, each ledger held by its synchronous standby", async () => {
    for (const standby of ["pg-eu-west-1", "pay-eu-west-1"]) {
      const check = await until(`acknowledged writes on ${standby}'s service`, () => verifyLedger(product.running.dataDir, standby), (result) => result.acknowledged > 100, 90_000);
      expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    }
    expect((await verifyLedger(product.running.dataDir, "pay-eu-west-1")).serviceId).toBe("payments-db");
  }, 120_000);

  it("evacuates aws:us-east-1 with the workload writing to both services: both move, orders-db first as ordered, 0 acknowledged writes lost on each", async () => {
    const body = { regionId: "aws:us-east-1", reason: "lab test: evacuate us-east-1", order: { groups: [["orders-db"], ["payments-db"]] }, concurrency: 2 };
    const dryRun = await until(
      "a dry run in which both services can move",
      () => product.api("POST", "/api/v1/plans", product.operator, { ...body, dryRun: true }),
      ({ json }) => json.services?.length === 2 && json.cannotMove.length === 0,
      90_000,
    );
    // Candidate selection picks a standby outside the region for each (the least lagging, then the higher priority).
    for (const service of dryRun.json.services) expect(service.targetRegionId).not.toBe("aws:us-east-1");
    const before = { "orders-db": (await verifyLedger(product.running.dataDir, "pg-eu-west-1")).acknowledged, "payments-db": (await verifyLedger(product.running.dataDir, "pay-eu-west-1")).acknowledged };

    const created = await product.api("POST", "/api/v1/plans", product.operator, body);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const { json: plan } = await until(
      "the plan to end",
      () => product.api("GET", `/api/v1/plans/${created.json.id}`, product.operator),
      ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status),
      240_000,
    );
    expect(plan.status, JSON.stringify(plan.services)).toBe("succeeded");
    const [orders, payments] = plan.services;
    expect([orders.serviceId, orders.state, payments.serviceId, payments.state]).toEqual(["orders-db", "succeeded", "payments-db", "succeeded"]);
    // The order is kept even with two slots: payments-db's run started only once orders-db's had moved it.
    const runs = await Promise.all([orders, payments].map(async (service: { run: { id: string } }) => (await product.api("GET", `/api/v1/runs/${service.run.id}`, product.operator)).json));
    expect(Date.parse(runs[1].createdAt)).toBeGreaterThanOrEqual(Date.parse(runs[0].finishedAt));

    for (const { serviceId: service, plannedTarget, run } of plan.services as { serviceId: "orders-db" | "payments-db"; plannedTarget: string; run: { target: string } }[]) {
      // Each run promoted the standby the plan showed when it started.
      expect(run.target).toBe(plannedTarget);
      const primary = run.target;
      const route = (await product.api("GET", `/api/v1/services/${service}/route`, product.operator)).json;
      expect(route.writeReplica).toBe(primary);
      expect(route.writeRegionId).not.toBe("aws:us-east-1");
      // The workload follows each route: writes acknowledged after the move are on the new primary too, and none before it is missing.
      await until(`acknowledged writes on ${primary}`, () => verifyLedger(product.running.dataDir, primary), (check) => check.acknowledged > before[service] + 50, 90_000);
      const check = await verifyLedger(product.running.dataDir, primary);
      expect({ service: check.serviceId, lost: check.lost, duplicated: check.duplicated }).toEqual({ service, lost: 0, duplicated: 0 });
    }
  }, 420_000);
});
