import { describe, expect, it } from "vitest";
import { isStoreUnreachable } from "./store-unreachable";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("isStoreUnreachable", () => {
  it.each([
    ["a connection dropped mid-query (node-postgres)", new Error("Connection terminated unexpectedly")],
    ["no connection could be made in time", new Error("timeout exceeded when trying to connect")],
    ["the socket refused", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["the socket reset", withCode("ECONNRESET")],
    ["a connection exception (class 08)", withCode("08006")],
    ["the server was shut down by its administrator", withCode("57P01", "terminating connection due to administrator command")],
    ["the server crashed", withCode("57P02")],
    ["the server is starting up", withCode("57P03", "the database system is starting up")],
    ["a write reached a standby", withCode("25006", "cannot execute INSERT in a read-only transaction")],
    ["Prisma cannot reach the server", withCode("P1001")],
    ["Prisma's server closed the connection", withCode("P1017")],
    ["Prisma timed out waiting for a pooled connection", withCode("P2024")],
    ["the reason is the cause of a wrapping error", new Error("query failed", { cause: withCode("ECONNREFUSED") })],
  ])("holds for %s", (_, error) => {
    expect(isStoreUnreachable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", withCode("23505", "duplicate key value violates unique constraint")],
    ["a syntax error", withCode("42601")],
    ["a serialization failure (retried by the transaction helper, not a store outage)", withCode("40001")],
    ["Prisma's record-not-found", withCode("P2025")],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["something that is not an error", "Connection terminated"],
    ["nothing", undefined],
  ])("does not hold for %s", (_, error) => {
    expect(isStoreUnreachable(error)).toBe(false);
  });

  it("gives up on a cause chain deeper than it reads, rather than looping", () => {
    const loop: Error & { cause?: unknown } = new Error("outer");
    loop.cause = loop;
    expect(isStoreUnreachable(loop)).toBe(false);
  });
});
