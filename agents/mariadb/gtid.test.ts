import { describe, expect, it } from "vitest";
import { errantByPosition, formatGtidPosition, notReached, parseGtidPosition, seqIn, transactionsBetween } from "./gtid";

const position = (text: string) => parseGtidPosition(text)!;

describe("GTID positions", () => {
  it("parse as the server prints them, sorted by domain", () => {
    expect(parseGtidPosition("1-20-7,0-1-42")).toEqual([
      { domain: 0, server: 1, seq: 42n },
      { domain: 1, server: 20, seq: 7n },
    ]);
    expect(formatGtidPosition(position("1-20-7, 0-1-42"))).toBe("0-1-42,1-20-7");
  });

  it("an empty position is a server with no transaction; anything else malformed is unknown", () => {
    expect(parseGtidPosition("")).toEqual([]);
    expect(parseGtidPosition(null)).toBeNull();
    expect(parseGtidPosition("0-1")).toBeNull();
    expect(parseGtidPosition("0-1-2,0-1-3")).toBeNull();
    expect(parseGtidPosition("0-1-x")).toBeNull();
  });

  it("a domain's position is its sequence number, 0 before its first transaction", () => {
    expect(seqIn(position("0-1-42,1-2-9"), 1)).toBe("9");
    expect(seqIn(position(""), 0)).toBe("0");
    expect(seqIn(null, 0)).toBeNull();
  });

  it("transactions between two positions, never negative", () => {
    expect(transactionsBetween("50", "42")).toBe(8);
    expect(transactionsBetween("42", "50")).toBe(0);
    expect(transactionsBetween(null, "1")).toBeNull();
  });
});

describe("containment (the zero-loss proof)", () => {
  it("holds when every domain is reached with the same GTID or beyond", () => {
    expect(notReached(position("0-1-42"), position("0-1-42"))).toEqual([]);
    expect(notReached(position("0-1-42"), position("0-2-50"))).toEqual([]);
  });

  it("fails for a domain behind, missing, or at the same number from another server", () => {
    expect(notReached(position("0-1-42"), position("0-1-41"))).toEqual(position("0-1-42"));
    expect(notReached(position("0-1-42,1-1-3"), position("0-1-42"))).toEqual(position("1-1-3"));
    expect(notReached(position("0-1-42"), position("0-2-42"))).toEqual(position("0-1-42"));
  });
});

describe("errant transactions of a former primary, by position", () => {
  it("none when its last GTID is the new primary's or behind it", () => {
    expect(errantByPosition(position("0-1-100"), position("0-1-100"))).toEqual([]);
    expect(errantByPosition(position("0-1-100"), position("0-2-150"))).toEqual([]);
  });

  it("beyond the new primary, at its number from another server, or in a domain it never saw", () => {
    expect(errantByPosition(position("0-1-101"), position("0-1-100"))).toEqual(position("0-1-101"));
    expect(errantByPosition(position("0-1-101"), position("0-2-101"))).toEqual(position("0-1-101"));
    expect(errantByPosition(position("0-1-100,5-1-1"), position("0-2-120"))).toEqual(position("5-1-1"));
  });
});
