import { describe, expect, it } from "vitest";
import { DEMO_REPLICAS } from "@/prisma/seed/demo-topology";
import { serverSettings, synchronousStandbyNames } from "./settings";
import { primaryConninfo } from "./standby";
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

  it("quotes conninfo values so a password with quotes or spaces survives", () => {
    const upstream = { name: "pg-us-east-1", port: 5432, password: "it's a \\secret", route: { host: "127.0.0.1", port: 5432 } };
    expect(primaryConninfo(upstream, "pg-eu-west-1")).toBe(
      "host=127.0.0.1 port=5432 user=postgres password='it\\'s a \\\\secret' application_name='pg-eu-west-1'",
    );
  });

  it("points a standby's primary_conninfo at its route to the primary, not at the primary's own port", () => {
    const upstream = { name: "pg-us-east-1", port: 55431, password: "pw", route: { host: "127.0.0.1", port: 61005 } };
    expect(primaryConninfo(upstream, "pg-eu-west-1")).toMatch(/^host=127\.0\.0\.1 port=61005 /);
  });
});
