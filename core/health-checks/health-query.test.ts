import { describe, expect, it } from "vitest";
import { parseHealthQuery } from "./health-query";

const parse = (query: string) => parseHealthQuery(new URLSearchParams(query));

describe("the health endpoints' query parameters", () => {
  it("take no limits when none is given", () => {
    expect(parse("")).toEqual({ ok: true, query: { maxLagBytes: null, maxLagSeconds: null } });
  });

  it.each([
    ["lag=1048576", 1_048_576],
    ["lag=0", 0],
    ["lag=16MB", 16 * 1024 ** 2],
    ["lag=64kB", 64 * 1024],
    ["lag=64kb", 64 * 1024],
    ["lag=1GB", 1024 ** 3],
    ["lag=2TB", 2 * 1024 ** 4],
    ["lag=100B", 100],
    ["lag=16%20MB", 16 * 1024 ** 2],
  ])("read %s as %i bytes (PostgreSQL's units, as Patroni's lag)", (query, bytes) => {
    expect(parse(query)).toEqual({ ok: true, query: { maxLagBytes: bytes, maxLagSeconds: null } });
  });

  it.each([
    ["max_lag_seconds=5", 5],
    ["max_lag_seconds=0.5", 0.5],
    ["max_lag_seconds=0", 0],
  ])("read %s as %d seconds", (query, seconds) => {
    expect(parse(query)).toEqual({ ok: true, query: { maxLagBytes: null, maxLagSeconds: seconds } });
  });

  it("take both limits together", () => {
    expect(parse("lag=16MB&max_lag_seconds=5")).toEqual({ ok: true, query: { maxLagBytes: 16 * 1024 ** 2, maxLagSeconds: 5 } });
  });

  it.each([
    ["lag=", /^query parameter lag= must be a number of bytes/],
    ["lag=16PB", /^query parameter lag=16PB must be a number of bytes, or one with a unit of B, kB, MB, GB or TB/],
    ["lag=-1", /^query parameter lag=-1 must be a number of bytes/],
    ["lag=1.5MB", /^query parameter lag=1.5MB must be a number of bytes/],
    ["lag=MB", /^query parameter lag=MB must be a number of bytes/],
    ["lag=99999999TB", /^query parameter lag=99999999TB is too large$/],
    ["max_lag_seconds=", /^query parameter max_lag_seconds= must be a number of seconds/],
    ["max_lag_seconds=-1", /^query parameter max_lag_seconds=-1 must be a number of seconds/],
    ["max_lag_seconds=5s", /^query parameter max_lag_seconds=5s must be a number of seconds/],
    ["max_lag_seconds=Infinity", /^query parameter max_lag_seconds=Infinity must be a number of seconds/],
    ["lag=1&lag=2", /^query parameter lag is given 2 times; give it once$/],
    ["max_lag=5", /^unknown query parameter max_lag \(the health endpoints take lag and max_lag_seconds\)$/],
  ])("refuse %s, naming the parameter", (query, message) => {
    const result = parse(query);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
    expect(!result.ok && result.parameter).toBe(new URLSearchParams(query).keys().next().value);
  });
});
