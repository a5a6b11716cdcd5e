import { describe, expect, it } from "vitest";
import { parseSynchronousStandbyNames, standbyPriority, unmatchedNames, type SynchronousStandbyConfig } from "./synchronous-standby-names";

function config(value: string): SynchronousStandbyConfig | null {
  const parsed = parseSynchronousStandbyNames(value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

describe("synchronous_standby_names, parsed by PostgreSQL's grammar", () => {
  it("empty turns synchronous replication off", () => {
    expect(parseSynchronousStandbyNames("")).toEqual({ ok: true, config: null });
  });

  it.each([
    ["a", { method: "priority", count: 1, names: ["a"] }],
    ["a, b ,c", { method: "priority", count: 1, names: ["a", "b", "c"] }],
    ["FIRST 2 (a, b, c)", { method: "priority", count: 2, names: ["a", "b", "c"] }],
    ["first 1(a)", { method: "priority", count: 1, names: ["a"] }],
    ["2 (a, b)", { method: "priority", count: 2, names: ["a", "b"] }],
    ["ANY 2 (a, b, c)", { method: "quorum", count: 2, names: ["a", "b", "c"] }],
    ["aNy 1 (a)", { method: "quorum", count: 1, names: ["a"] }],
    ["*", { method: "priority", count: 1, names: ["*"] }],
    ['FIRST 1 ("*")', { method: "priority", count: 1, names: ["*"] }],
    ["ANY 1 (*)", { method: "quorum", count: 1, names: ["*"] }],
    ['"pg-eu-west-1", "Standby ""B"""', { method: "priority", count: 1, names: ["pg-eu-west-1", 'Standby "B"'] }],
    ['FIRST 1 ("pg-eu-west-1")', { method: "priority", count: 1, names: ["pg-eu-west-1"] }],
    ['"any", "first"', { method: "priority", count: 1, names: ["any", "first"] }],
    ["anything, firsts, any1", { method: "priority", count: 1, names: ["anything", "firsts", "any1"] }],
    ["_x$1, ünïcode", { method: "priority", count: 1, names: ["_x$1", "ünïcode"] }],
    ["1, 2", { method: "priority", count: 1, names: ["1", "2"] }],
    ["3", { method: "priority", count: 1, names: ["3"] }],
    ["2 (3, 4)", { method: "priority", count: 2, names: ["3", "4"] }],
    ["\t\n a \r\f\v", { method: "priority", count: 1, names: ["a"] }],
    ['""', { method: "priority", count: 1, names: [""] }],
    ["FIRST 3 (a)", { method: "priority", count: 3, names: ["a"] }],
  ])("%j", (value, expected) => {
    expect(parseSynchronousStandbyNames(value)).toEqual({ ok: true, config: expected });
  });

  it.each([
    ["   ", "syntax error at end of input"],
    ["pg-eu-west-1", 'syntax error at or near "-"'],
    ["a b", 'syntax error at or near "b"'],
    ["a,", "syntax error at end of input"],
    [",a", 'syntax error at or near ","'],
    ["any", "syntax error at end of input"],
    ["first", "syntax error at end of input"],
    ["a, any", 'syntax error at or near "any"'],
    ["ANY (a)", 'syntax error at or near "("'],
    ["FIRST x (a)", 'syntax error at or near "x"'],
    ["ANY 1 a", 'syntax error at or near "a"'],
    ["ANY 1 (a", "syntax error at end of input"],
    ["ANY 1 (a))", 'syntax error at or near ")"'],
    ["ANY 1 ()", 'syntax error at or near ")"'],
    ["1a", 'syntax error at or near "a"'],
    ["2 (a) b", 'syntax error at or near "b"'],
    ["'a'", `syntax error at or near "'"`],
    ['"unterminated', "unterminated quoted identifier"],
    ["FIRST 0 (a)", "number of synchronous standbys (0) must be greater than zero"],
    ["0 (a)", "number of synchronous standbys (0) must be greater than zero"],
    ["ANY 99999999999 (a)", "number of synchronous standbys (99999999999) is out of range"],
  ])("refuses %j: %s", (value, error) => {
    expect(parseSynchronousStandbyNames(value)).toEqual({ ok: false, error });
  });
});

describe("which standbys the setting names", () => {
  it("gives each its list position, first match winning, ASCII case ignored", () => {
    const names = config('FIRST 1 (b, "A", b, "Ü")');
    expect(standbyPriority(names, "b")).toBe(1);
    expect(standbyPriority(names, "B")).toBe(1);
    expect(standbyPriority(names, "a")).toBe(2);
    expect(standbyPriority(names, "ü")).toBe(0);
    expect(standbyPriority(names, "Ü")).toBe(4);
    expect(standbyPriority(names, "c")).toBe(0);
  });

  it("lets * match every standby at its position", () => {
    expect(standbyPriority(config("a, *"), "a")).toBe(1);
    expect(standbyPriority(config("a, *"), "zzz")).toBe(2);
    expect(standbyPriority(config('"*"'), "anything")).toBe(1);
  });

  it("names no standby when synchronous replication is off", () => {
    expect(standbyPriority(null, "a")).toBe(0);
    expect(unmatchedNames(null, ["a"])).toEqual([]);
  });

  it("lists the names no streaming standby answers to, never *", () => {
    expect(unmatchedNames(config("ANY 2 (a, B, c, *)"), ["b", "x"])).toEqual(["a", "c"]);
  });
});
