import { describe, expect, it } from "vitest";
import { verifyLedger } from "@/lab/verify";
import { productForFile, until } from "../support/product";

/**
 * The product as npm start runs it, with both demo services: the lab
 * declares orders-db and payments-db, enrolls an agent per replica of each,
 * and writes to each service through its own write route and ledger.
 */
const product = productForFile();

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
});
