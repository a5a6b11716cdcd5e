import { describe, expect, it } from "vitest";
import { activeFilters, filterProblem, filtersToSearchParams, normalizeSearchText, parseActionList } from "./audit-filters";

const KNOWN = ["run.start", "run.finish", "user.update"];

describe("parseActionList", () => {
  it("splits, trims and de-duplicates actions", () => {
    expect(parseActionList(" run.start, run.finish ,run.start,", KNOWN)).toEqual({ ok: true, actions: ["run.start", "run.finish"] });
  });

  it("names the unknown action", () => {
    const result = parseActionList("run.start,run.strat", KNOWN);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^unknown action "run\.strat"/);
  });

  it("refuses an empty list and too many actions", () => {
    expect(parseActionList(" , ", KNOWN).ok).toBe(false);
    expect(parseActionList(Array.from({ length: 21 }, (_, n) => `a${n}`).join(","), KNOWN)).toEqual({ ok: false, message: "at most 20 actions at once" });
  });
});

describe("normalizeSearchText", () => {
  it("collapses whitespace", () => expect(normalizeSearchText("  lag \n  too   high ")).toBe("lag too high"));
  it("keeps words in any script", () => expect(normalizeSearchText("Übernahme")).toBe("Übernahme"));
  it("finds nothing to search in punctuation", () => expect(normalizeSearchText(" -- !! ")).toBeNull());
});

describe("filterProblem", () => {
  it("accepts a forward time range", () => expect(filterProblem({ from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" })).toBeNull());

  it("refuses a range that ends before or when it starts, naming `to`", () => {
    expect(filterProblem({ from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" })?.field).toBe("to");
    expect(filterProblem({ from: "2026-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" })?.field).toBe("to");
  });

  it("wants a target type with a target id", () => {
    expect(filterProblem({ targetId: "u1" })).toMatchObject({ field: "targetId" });
    expect(filterProblem({ targetType: "user", targetId: "u1" })).toBeNull();
  });
});

describe("filters in URLs and events", () => {
  it("keep only what is set, in a fixed order", () => {
    expect(Object.keys(activeFilters({ q: "x", actor: "", action: [], serviceId: "orders-db", from: "2026-01-01T00:00:00Z" }))).toEqual(["from", "serviceId", "q"]);
  });

  it("round-trip through a query string with actions comma-separated", () => {
    const params = filtersToSearchParams({ action: ["run.start", "run.finish"], q: "a & b", outcome: "failure" });
    expect(params.toString()).toBe("action=run.start%2Crun.finish&outcome=failure&q=a+%26+b");
    expect(new URLSearchParams(params.toString()).get("q")).toBe("a & b");
  });
});
