import { describe, expect, it } from "vitest";
import { endpointLabel, parseServerUrl } from "./server-url";

describe("a server URL given to discovery", () => {
  it("gives host, port, role, password, database and TLS mode", () => {
    expect(parseServerUrl("postgresql://monitor:s%40cret@db1.example.com:6432/orders?sslmode=verify-full")).toEqual({
      ok: true,
      target: { host: "db1.example.com", port: 6432, database: "orders", user: "monitor", password: "s@cret", sslmode: "verify-full" },
    });
  });

  it("defaults the port to 5432 and TLS to off, and keeps a missing database and password missing", () => {
    expect(parseServerUrl("postgres://monitor@[::1]")).toEqual({
      ok: true,
      target: { host: "::1", port: 5432, database: null, user: "monitor", password: null, sslmode: "disable" },
    });
    expect(parseServerUrl("postgresql://monitor@db1:/")).toMatchObject({ ok: true, target: { port: 5432 } });
  });

  it.each([
    ["host=db1 user=monitor", "must be a postgresql:// URL, e.g. postgresql://monitor:secret@db1.example.com:5432/orders"],
    ["https://db1", "must be a postgresql:// URL, e.g. postgresql://monitor:secret@db1.example.com:5432/orders"],
    ["postgresql://monitor@[::1", 'end of string reached when looking for the "]" closing an IPv6 host address'],
    ["postgresql://monitor@db1/orders?application_name=x&connect_timeout=1", "parameter application_name, connect_timeout is not supported here; only sslmode is"],
    ["postgresql://monitor@/orders", "must name the server's host"],
    ["postgresql://monitor@db1,db2/orders", "must name one server, not a list of hosts"],
    ["postgresql://monitor@%2Ftmp/orders", "must name a TCP host, not a Unix socket: other regions reach the server over the network"],
    ["postgresql://monitor@db1:0/orders", "must have a port from 1 to 65535"],
    ["postgresql://monitor@db1:65536/orders", "must have a port from 1 to 65535"],
    ["postgresql://monitor@db1:54x/orders", "must have a port from 1 to 65535"],
    ["postgresql://monitor@db1:+5432/orders", "must have a port from 1 to 65535"],
    ["postgresql://db1/orders", "must name the role to connect as, e.g. postgresql://monitor@db1.example.com/orders"],
    ["postgresql://:secret@db1/orders", "must name the role to connect as, e.g. postgresql://monitor@db1.example.com/orders"],
    ["postgresql://monitor@db1/orders?sslmode=prefer", "sslmode must be one of disable, require, verify-ca, verify-full"],
    ["postgresql://monitor@db1/orders?requiressl=0", "sslmode must be one of disable, require, verify-ca, verify-full"],
  ])("refuses %j: %s", (url, problem) => {
    expect(parseServerUrl(url)).toEqual({ ok: false, problem });
  });

  it("never repeats the password in a refusal", () => {
    const refused = parseServerUrl("postgresql://monitor:hunter2%zz@db1/orders");
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain("hunter2");
  });

  it("names a server host:port, IPv6 in brackets", () => {
    expect(endpointLabel({ host: "db1", port: 5432 })).toBe("db1:5432");
    expect(endpointLabel({ host: "2001:db8::7", port: 6432 })).toBe("[2001:db8::7]:6432");
  });
});
