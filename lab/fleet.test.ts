import { describe, expect, it } from "vitest";
import { fleetDocumentSchema } from "@/contracts/topology";
import { labFleetDocument, type LabEndpointInfo } from "./fleet";
import { LAB_REPLICAS, labService } from "./topology";

const endpoints = (primaries: readonly string[], replicas = LAB_REPLICAS): LabEndpointInfo[] =>
  replicas.map((replica, index) => ({
    name: replica.name,
    host: "127.0.0.1",
    port: 56000 + index,
    databaseName: labService(replica.serviceId).database,
    role: primaries.includes(replica.name) ? "primary" : "standby",
  }));

describe("the lab's fleet document", () => {
  it("is a valid fleet document naming every lab replica of both services at the endpoint its cluster listens on", () => {
    const document = labFleetDocument(endpoints(["pg-us-east-1", "pay-us-east-1"]));
    expect(fleetDocumentSchema.parse(document)).toEqual(document);
    expect(document.services.map((service) => [service.id, service.primary])).toEqual([
      ["orders-db", "pg-us-east-1"],
      ["payments-db", "pay-us-east-1"],
    ]);
    const [orders, payments] = document.services;
    expect(orders!.replicas.map((replica) => [replica.name, replica.region, replica.port, replica.replication, replica.database])).toEqual([
      ["pg-us-east-1", "aws:us-east-1", 56000, "sync", "orders"],
      ["pg-eu-west-1", "aws:eu-west-1", 56001, "sync", "orders"],
      ["pg-europe-west3", "gcp:europe-west3", 56002, "async", "orders"],
    ]);
    expect(payments!.replicas.map((replica) => [replica.name, replica.region, replica.port, replica.replication, replica.database])).toEqual([
      ["pay-us-east-1", "aws:us-east-1", 56003, "sync", "payments"],
      ["pay-eu-west-1", "aws:eu-west-1", 56004, "sync", "payments"],
      ["pay-europe-west3", "gcp:europe-west3", 56005, "async", "payments"],
    ]);
    expect(payments!.datasets.find((dataset) => dataset.consistency === "strong")).toMatchObject({ name: "payments", rpoSeconds: 0 });
    expect(document.regions.map((region) => `${region.cloud}:${region.code}`).sort()).toEqual([...new Set(LAB_REPLICAS.map((replica) => replica.regionId))].sort());
  });

  it("describes only the services whose clusters it is given", () => {
    const document = labFleetDocument(endpoints(["pg-us-east-1"], labService("orders-db").replicas));
    expect(document.services.map((service) => service.id)).toEqual(["orders-db"]);
  });

  it("names the primary serving now, so a lab restarted after a failover is described as it is", () => {
    const document = labFleetDocument(endpoints(["pg-eu-west-1", "pay-europe-west3"]));
    expect(document.services.map((service) => service.primary)).toEqual(["pg-eu-west-1", "pay-europe-west3"]);
  });

  it("refuses to describe a service with no primary rather than name one", () => {
    expect(() => labFleetDocument(endpoints(["pg-us-east-1"]))).toThrow(/no primary to name for payments-db/);
  });
});
