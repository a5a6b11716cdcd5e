import { describe, expect, it } from "vitest";
import { primaryConninfo } from "@/agents/commands/primary-conninfo";
import { DEMO_REPLICAS } from "@/prisma/seed/demo-topology";
import { serverSettings, synchronousStandbyNames } from "./settings";
import { standbyConninfo } from "./standby";
import { LAB_REPLICAS, findReplica, slotNameFor } from "./topology";

describe("the lab topology", () => {
  it("is the seeded demo topology, with a valid slot name per replica", () => {
    expect(LAB_REPLICAS.map((replica) => replica.name)).toEqual(DEMO_REPLICAS.map((replica) => replica.name));
    for (const replica of LAB_REPLICAS) expect(replica.slotName).toMatch(/^[a-z0-9_]+$/);
    expect(slotNameFor("pg-eu-west-1")).toBe("pg_eu_west_1");
  });

  it("finds a replica by name or region id, and names the known ones otherwise", () => {
    expect(findReplica("aws:eu-west-1").name).toBe("pg-eu-west-1");
    expect(findReplica("pg-europe-west3").regionId).toBe("gcp:europe-west3");
    expect(() => findReplica("azure:westeurope")).toThrow(/unknown region "azure:westeurope".*aws:us-east-1 \(pg-us-east-1\)/);
  });

  it("makes the primary wait for the other synchronous replica, quoted, whichever is primary", () => {
    expect(synchronousStandbyNames("pg-us-east-1")).toBe('FIRST 1 ("pg-eu-west-1")');
    expect(synchronousStandbyNames("pg-eu-west-1")).toBe('FIRST 1 ("pg-us-east-1")');
    expect(serverSettings("primary", "pg-us-east-1")).toMatchObject({ synchronous_standby_names: 'FIRST 1 ("pg-eu-west-1")', wal_level: "replica" });
    expect(serverSettings("standby", "pg-us-east-1")).not.toHaveProperty("synchronous_standby_names");
  });

  it("gives the lab's standbys the agents' primary_conninfo, pointed at their route to the primary, not at its own port", () => {
    const upstream = { name: "pg-us-east-1", port: 55431, password: "it's a \\secret", route: { host: "127.0.0.1", port: 61005 } };
    const conninfo = standbyConninfo(upstream, "pg-eu-west-1");
    expect(conninfo).toBe(primaryConninfo({ host: "127.0.0.1", port: 61005 }, { user: "postgres", password: "it's a \\secret" }, "pg-eu-west-1"));
    expect(conninfo).toMatch(/^host='127\.0\.0\.1' port='61005' /);
  });
});
