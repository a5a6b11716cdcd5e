import { describe, expect, it } from "vitest";
import { primaryAddress, primaryConninfo } from "./primary-conninfo";

describe("primaryConninfo", () => {
  it("quotes every value, so nothing in a value can add a parameter", () => {
    expect(primaryConninfo({ host: "10.0.0.7", port: 5433 }, { user: "replicator", password: "it's a \\secret host=evil" }, "orders-eu")).toBe(
      "host='10.0.0.7' port='5433' user='replicator' password='it\\'s a \\\\secret host=evil' application_name='orders-eu'",
    );
  });
});

describe("primaryAddress", () => {
  const replication = { user: "replicator", password: "secret", via: { "127.0.0.1:55431": "127.0.0.1:61004", "[::1]:5432": "[fd00::2]:6432" } };

  it("reaches a listed address through what via names, and any other one directly", () => {
    expect(primaryAddress({ host: "127.0.0.1", port: 55431 }, replication)).toEqual({ host: "127.0.0.1", port: 61004 });
    expect(primaryAddress({ host: "127.0.0.1", port: 55433 }, replication)).toEqual({ host: "127.0.0.1", port: 55433 });
    expect(primaryAddress({ host: "127.0.0.1", port: 55431 }, { user: "replicator", password: "secret" })).toEqual({ host: "127.0.0.1", port: 55431 });
  });

  it("matches and returns IPv6 hosts without their brackets", () => {
    expect(primaryAddress({ host: "::1", port: 5432 }, replication)).toEqual({ host: "fd00::2", port: 6432 });
  });
});
