import { describe, expect, it } from "vitest";
import { proposeTopology } from "@/core/discovery/propose-topology";
import { primaryReading, sender, slot, standbyReading } from "@/test/fixtures/discovery-readings";
import { discoverRequestSchema, discoveryResultSchema } from "./discovery";
import { buildOpenApiDocument } from "./openapi";

const PRIMARY = "postgresql://switchyard_discovery:s3cret@db1.example.com:5432/orders";

function firstIssue(input: unknown) {
  const result = discoverRequestSchema.safeParse(input);
  const issue = result.error?.issues[0];
  return issue ? { field: issue.path.join("."), message: issue.message } : null;
}

describe("the discovery request", () => {
  it("takes a primary URL alone, standby URLs defaulting to none", () => {
    expect(discoverRequestSchema.parse({ primaryUrl: PRIMARY })).toEqual({ primaryUrl: PRIMARY, standbyUrls: [] });
  });

  it("takes standby URLs, a service id and a name", () => {
    const request = { primaryUrl: PRIMARY, standbyUrls: ["postgresql://m@db2.example.com/orders"], serviceId: "orders-db", name: "Orders" };
    expect(discoverRequestSchema.parse(request)).toEqual(request);
  });

  it.each([
    [{}, "primaryUrl", "Invalid input: expected string, received undefined"],
    [{ primaryUrl: "db1.example.com" }, "primaryUrl", "must be a postgresql:// URL, e.g. postgresql://monitor:secret@db1.example.com:5432/orders"],
    [{ primaryUrl: "postgresql://db1.example.com/orders" }, "primaryUrl", "must name the role to connect as, e.g. postgresql://monitor@db1.example.com/orders"],
    [{ primaryUrl: PRIMARY, standbyUrls: ["postgresql://m@db2/orders", "postgresql://m@db3/orders?sslmode=allow"] }, "standbyUrls.1", "sslmode must be one of disable, require, verify-ca, verify-full"],
    [{ primaryUrl: PRIMARY, standbyUrls: ["postgresql://other@db1.example.com/postgres"] }, "standbyUrls.0", "names db1.example.com:5432, as primaryUrl does"],
    [{ primaryUrl: PRIMARY, standbyUrls: ["postgresql://m@db2:5433/a", "postgresql://n@db2:5433/b"] }, "standbyUrls.1", "names db2:5433, as standbyUrls.0 does"],
    [{ primaryUrl: PRIMARY, serviceId: "Orders DB" }, "serviceId", "a service id must be lower-case letters, digits and inner dashes"],
  ])("refuses %j, naming %s", (input, field, message) => {
    expect(firstIssue(input)).toEqual({ field, message });
  });

  it("refuses fields it does not know", () => {
    expect(firstIssue({ primaryUrl: PRIMARY, regions: [] })?.message).toMatch(/regions/);
  });

  it("never repeats a password in what it refuses", () => {
    const result = discoverRequestSchema.safeParse({ primaryUrl: "postgresql://m:hunter2@db1/orders?sslmode=prefer", standbyUrls: ["postgresql://m:hunter3%zz@db2/orders"] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).not.toMatch(/hunter/);
  });
});

describe("the discovery answer", () => {
  it("is what the core proposes", () => {
    const primary = primaryReading({ synchronousStandbyNames: "a", walSenders: [sender("a", 1, { syncState: "sync" }), sender("b", 2)], slots: [slot("a", 1)] });
    const outcome = proposeTopology({ serviceId: "orders-db" }, primary, [standbyReading({ field: "standbyUrls.0", host: "db2", name: "a", slotName: "a" })]);
    if (outcome.kind !== "proposed") throw new Error(outcome.refusal.reason);
    const { kind, ...answer } = outcome;
    expect(kind).toBe("proposed");
    expect(discoveryResultSchema.parse(answer)).toEqual(answer);
  });

  it("is documented with the privileges discovery needs", () => {
    const operation = buildOpenApiDocument("test").paths?.["/api/v1/topology/discover"]?.post;
    expect(operation?.description).toMatch(/^Requires the `topology:manage` permission\. An API token needs the scope `admin`\.\n\nConnect as a monitoring role, not a superuser/);
    expect(operation?.description).toContain("pg_read_all_stats");
    expect(operation?.description).toContain("pg_read_all_settings");
    expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(["200", "400", "401", "403"]);
  });
});
