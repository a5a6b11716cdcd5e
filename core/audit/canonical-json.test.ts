import { describe, expect, it } from "vitest";
import { canonicalJson, toJsonValue } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts keys at every depth, so key order never changes the text", () => {
    const a = canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: "x" } });
    const b = canonicalJson({ a: { c: "x", d: [1, { y: null, z: true }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
  });

  it("keeps array order, which is meaningful", () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it("escapes strings as JSON does", () => {
    expect(canonicalJson({ "k\"ey": 'va"l\n' })).toBe('{"k\\"ey":"va\\"l\\n"}');
  });

  it("refuses numbers JSON cannot hold", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/NaN/);
    expect(() => canonicalJson(Infinity)).toThrow(/Infinity/);
  });
});

describe("toJsonValue", () => {
  it("turns dates, bigints and undefined members into their stored JSON form", () => {
    const at = new Date("2026-11-26T04:00:00.123Z");
    expect(toJsonValue({ at, n: 12n, gone: undefined, list: [undefined, 1], nested: { ok: true } })).toEqual({
      at: "2026-11-26T04:00:00.123Z",
      n: "12",
      list: [null, 1],
      nested: { ok: true },
    });
  });

  it("maps undefined and null to null", () => {
    expect(toJsonValue(undefined)).toBeNull();
    expect(toJsonValue(null)).toBeNull();
  });

  it("refuses values JSON cannot hold", () => {
    expect(() => toJsonValue(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => toJsonValue(Symbol("x"))).toThrow(/symbol/);
  });
});
