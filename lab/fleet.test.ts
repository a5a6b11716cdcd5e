import { describe, expect, it } from "vitest";
import { fleetDocumentSchema } from "@/contracts/topology";
import { labFleetDocument, type LabEndpointInfo } from "./fleet";
import { LAB_REPLICAS } from "./topology";

const endpoints = (primary: string): LabEndpointInfo[] =>
  LAB_REPLICAS.map((replica, index) => ({ name: replica.name, host: "127.0.0.1", port: 56000 + index, databaseName: "orders", role: replica.name === primary ? "primary" : "standby" }));

describe("the lab's fleet document", () => {
  it("is a valid fleet document naming every lab replica at the endpoint its cluster listens on", () => {
    const document = labFleetDocument(endpoints("pg-us-east-1"));
    expect(fleetDocumentSchema.parse(document)).toEqual(document);
    const [service] = document.services;
    expect(service!.replicas.map((replica) => [replica.name, replica.region, replica.port, replica.replication])).toEqual([
      ["pg-us-east-1", "aws:us-east-1", 56000, "sync"],
      ["pg-eu-west-1", "aws:eu-west-1", 56001, "sync"],
      ["pg-europe-west3", "gcp:europe-west3", 56002, "async"],
    ]);
    expect(document.regions.map((region) => `${region.cloud}:${region.code}`).sort()).toEqual(LAB_REPLICAS.map((replica) => replica.regionId).sort());
  });

  it("names the primary serving now, so a lab restarted after a failover is described as it is", () => {
    expect(labFleetDocument(endpoints("pg-eu-west-1")).services[0]!.primary).toBe("pg-eu-west-1");
  });

  it("refuses to describe a lab with no primary rather than name one", () => {
    expect(() => labFleetDocument(endpoints("none"))).toThrow(/no primary/);
  });
});
