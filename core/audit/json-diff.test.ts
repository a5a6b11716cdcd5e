import { describe, expect, it } from "vitest";
import { diffJson } from "./json-diff";

describe("diffJson", () => {
  it("finds nothing between equal values, whatever their key order", () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it("lists changed, added and removed leaves with their paths, in key order", () => {
    expect(diffJson({ maxLag: 1, roles: ["viewer"], gone: true, nested: { x: 1 } }, { maxLag: 64, roles: ["viewer", "admin"], nested: { x: 2 }, "odd key": 0 })).toEqual([
      { path: "$.gone", change: "removed", before: true },
      { path: "$.maxLag", change: "changed", before: 1, after: 64 },
      { path: "$.nested.x", change: "changed", before: 1, after: 2 },
      { path: '$["odd key"]', change: "added", after: 0 },
      { path: "$.roles[1]", change: "added", after: "admin" },
    ]);
  });

  it("reads a creation (no before) as every field added, and a deletion as every field removed", () => {
    expect(diffJson(null, { name: "a", roles: ["viewer"] })).toEqual([
      { path: "$.name", change: "added", after: "a" },
      { path: "$.roles", change: "added", after: ["viewer"] },
    ]);
    expect(diffJson({ name: "a" }, null)).toEqual([{ path: "$.name", change: "removed", before: "a" }]);
  });

  it("treats a change of type as one change of the whole value", () => {
    expect(diffJson({ v: [1] }, { v: { 0: 1 } })).toEqual([{ path: "$.v", change: "changed", before: [1], after: { 0: 1 } }]);
    expect(diffJson("x", 3)).toEqual([{ path: "$", change: "changed", before: "x", after: 3 }]);
  });

  it("shows a shortened array's tail as removed", () => {
    expect(diffJson([1, 2, 3], [1])).toEqual([
      { path: "$[1]", change: "removed", before: 2 },
      { path: "$[2]", change: "removed", before: 3 },
    ]);
  });
});
