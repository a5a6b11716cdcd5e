import { describe, expect, it } from "vitest";
import { STANDBY_CONNECTION_OPTIONS, primaryAddress, primaryConninfo } from "./primary-conninfo";
import { libpqSecurity } from "./upstream-security";

/**
 * A conninfo string read as libpq reads it (`key = value` pairs; a value
 * either bare up to the next space or single-quoted, where a backslash
 * takes the next character literally), so a test sees the parameters
 * PostgreSQL would.
 */
function parseConninfo(conninfo: string): [string, string][] {
  const pairs: [string, string][] = [];
  const pair = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s']*))/y;
  while (pair.lastIndex < conninfo.length) {
    const match = pair.exec(conninfo);
    if (!match) throw new Error(`libpq could not read the conninfo from offset ${pair.lastIndex}: ${conninfo}`);
    pairs.push([match[1]!, match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!]);
  }
  return pairs;
}

describe("primaryConninfo", () => {
  it("quotes every value, so nothing in a value can add a parameter", () => {
    expect(primaryConninfo({ host: "10.0.0.7", port: 5433 }, { user: "replicator", password: "it's a \\secret host=evil" }, "orders-eu")).toBe(
      "host='10.0.0.7' port='5433' user='replicator' password='it\\'s a \\\\secret host=evil' application_name='orders-eu' " +
        "tcp_user_timeout='10000' keepalives='1' keepalives_idle='10' keepalives_interval='5' keepalives_count='3'",
    );
  });

  it("gives a standby timeouts that let it stream again soon after a partition heals", () => {
    const parameters = new Map(parseConninfo(primaryConninfo({ host: "10.0.0.7", port: 5433 }, { user: "replicator", password: "secret" }, "orders-eu")));
    expect(Object.fromEntries(parameters)).toMatchObject({ tcp_user_timeout: "10000", keepalives: "1", keepalives_idle: "10", keepalives_interval: "5", keepalives_count: "3" });
    // No connect_timeout: the WAL receiver does not honour it, so it would only mislead.
    expect(parameters.has("connect_timeout")).toBe(false);
  });

  it("keeps a hostile password one value: it can neither add a parameter nor override a timeout", () => {
    for (const password of ["x' tcp_user_timeout='0", "x\\' keepalives=0 y='", "a b=c", "'", "\\", "x tcp_user_timeout=0", "p\nhost=evil"]) {
      const conninfo = primaryConninfo({ host: "10.0.0.7", port: 5433 }, { user: "replicator", password }, "orders-eu");
      const parameters = parseConninfo(conninfo);
      expect(parameters.map(([key]) => key)).toEqual(["host", "port", "user", "password", "application_name", ...STANDBY_CONNECTION_OPTIONS.map(([key]) => key)]);
      expect(parameters.find(([key]) => key === "password")?.[1]).toBe(password);
    }
  });
});

describe("primaryAddress", () => {
  const replication = { user: "replicator", password: "secret", via: { "127.0.0.1:14431": "127.0.0.1:61004", "[::1]:5432": "[fd00::2]:6432" } };

  it("reaches a listed address through what via names, and any other one directly", () => {
    expect(primaryAddress({ host: "127.0.0.1", port: 14431 }, replication)).toEqual({ host: "127.0.0.1", port: 61004 });
    expect(primaryAddress({ host: "127.0.0.1", port: 14433 }, replication)).toEqual({ host: "127.0.0.1", port: 14433 });
    expect(primaryAddress({ host: "127.0.0.1", port: 14431 }, { user: "replicator", password: "secret" })).toEqual({ host: "127.0.0.1", port: 14431 });
  });

  it("matches and returns IPv6 hosts without their brackets", () => {
    expect(primaryAddress({ host: "::1", port: 5432 }, replication)).toEqual({ host: "fd00::2", port: 6432 });
  });
});

describe("primary_conninfo's TLS and authentication requirements", () => {
  const credentials = { user: "replicator", password: "pw", sslMode: "verify-full" as const, sslRootCert: "/etc/switchyard/ca.pem" };

  it("ask a PostgreSQL 16+ libpq for verify-full against the pinned CA, no client certificate, and never a cleartext password", () => {
    const conninfo = primaryConninfo({ host: "db1", port: 5432 }, credentials, "pg-eu", 18);
    expect(conninfo).toContain("sslmode='verify-full' sslrootcert='/etc/switchyard/ca.pem' sslcertmode='disable' require_auth='!password'");
  });

  it("leave out what an older libpq would refuse the whole string for", () => {
    const conninfo = primaryConninfo({ host: "db1", port: 5432 }, credentials, "pg-eu", 15);
    expect(conninfo).toContain("sslmode='verify-full' sslrootcert='/etc/switchyard/ca.pem'");
    expect(conninfo).not.toMatch(/require_auth|sslcertmode/);
    expect(libpqSecurity({}, 15)).toEqual([]);
  });
});
