import { describe, expect, it } from "vitest";
import { primaryConninfo } from "@/agents/commands/primary-conninfo";
import { DEMO_SERVICES } from "@/prisma/seed/demo-topology";
import { serverSettings, synchronousStandbyNames } from "./settings";
import { standbyConninfo } from "./standby";
import { LAB_REPLICAS, LAB_SERVICES, findReplica, replicasIn, seededPrimary, slotNameFor } from "./topology";

describe("the lab topology", () => {
  it("is the seeded demo topology, both services' primaries in aws:us-east-1, with names (folders, slots, agents) unique across services", () => {
    expect(LAB_SERVICES.map((service) => [service.id, service.database])).toEqual([
      ["orders-db", "orders"],
      ["payments-db", "payments"],
    ]);
    expect(LAB_REPLICAS.map((replica) => replica.name)).toEqual(DEMO_SERVICES.flatMap((demo) => demo.replicas.map((replica) => replica.name)));
    expect(LAB_SERVICES.map((service) => seededPrimary(service.id).regionId)).toEqual(["aws:us-east-1", "aws:us-east-1"]);
    expect(new Set(LAB_REPLICAS.map((replica) => replica.name)).size).toBe(LAB_REPLICAS.length);
    expect(new Set(LAB_REPLICAS.map((replica) => replica.preferredPort)).size).toBe(LAB_REPLICAS.length);
    for (const replica of LAB_REPLICAS) expect(replica.slotName).toMatch(/^[a-z0-9_]+$/);
    expect(slotNameFor("pg-eu-west-1")).toBe("pg_eu_west_1");
  });

  it("finds a replica by name, or by region id within a service (orders-db's by default), and names the known ones otherwise", () => {
    expect(findReplica("aws:eu-west-1").name).toBe("pg-eu-west-1");
    expect(findReplica("aws:eu-west-1", "payments-db").name).toBe("pay-eu-west-1");
    expect(findReplica("pay-europe-west3").serviceId).toBe("payments-db");
    expect(findReplica("pg-europe-west3").regionId).toBe("gcp:europe-west3");
    expect(() => findReplica("azure:westeurope")).toThrow(/unknown region "azure:westeurope".*aws:us-east-1 \(pg-us-east-1\)/);
  });

  it("takes a region id as every service's replica there (a region loss), and a replica name as that replica alone", () => {
    expect(replicasIn("aws:us-east-1").map((replica) => replica.name)).toEqual(["pg-us-east-1", "pay-us-east-1"]);
    expect(replicasIn("pay-us-east-1").map((replica) => replica.name)).toEqual(["pay-us-east-1"]);
    expect(() => replicasIn("aws:mars-1")).toThrow(/unknown region "aws:mars-1"/);
  });

  it("makes the primary wait for its own service's other synchronous replica, quoted, whichever is primary", () => {
    expect(synchronousStandbyNames("pg-us-east-1")).toBe('FIRST 1 ("pg-eu-west-1")');
    expect(synchronousStandbyNames("pg-eu-west-1")).toBe('FIRST 1 ("pg-us-east-1")');
    expect(synchronousStandbyNames("pay-us-east-1")).toBe('FIRST 1 ("pay-eu-west-1")');
    expect(serverSettings("primary", "pg-us-east-1")).toMatchObject({ synchronous_standby_names: 'FIRST 1 ("pg-eu-west-1")', wal_level: "replica" });
    expect(serverSettings("standby", "pg-us-east-1")).not.toHaveProperty("synchronous_standby_names");
  });

  it("keeps payments-db's clusters small, and orders-db on PostgreSQL's memory defaults", () => {
    expect(serverSettings("standby", "pay-us-east-1")).toMatchObject({ shared_buffers: "16MB", max_connections: 20, max_wal_size: "64MB" });
    expect(serverSettings("standby", "pg-us-east-1")).not.toHaveProperty("shared_buffers");
  });

  it("gives the lab's standbys the agents' primary_conninfo, pointed at their route to the primary, not at its own port", () => {
    const upstream = { name: "pg-us-east-1", port: 14431, password: "it's a \\secret", route: { host: "127.0.0.1", port: 61005 } };
    const conninfo = standbyConninfo(upstream, "pg-eu-west-1");
    expect(conninfo).toBe(primaryConninfo({ host: "127.0.0.1", port: 61005 }, { user: "postgres", password: "it's a \\secret" }, "pg-eu-west-1"));
    expect(conninfo).toMatch(/^host='127\.0\.0\.1' port='61005' /);
  });
});
