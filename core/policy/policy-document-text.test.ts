import { describe, expect, it } from "vitest";
import { demoPolicy } from "@/test/fixtures/policy-topology";
import { checkPolicyText, policyText, valueAt, withValueAt } from "./policy-document-text";

describe("checkPolicyText", () => {
  it("accepts the demo policy and gives back the parsed document", () => {
    const checked = checkPolicyText(policyText(demoPolicy()));
    expect(checked.problems).toEqual([]);
    expect(checked.document).toEqual(demoPolicy());
  });

  it("names a JSON syntax error against the whole document", () => {
    const checked = checkPolicyText('{"heartbeat": ');
    expect(checked.json).toBeUndefined();
    expect(checked.document).toBeNull();
    expect(checked.problems).toHaveLength(1);
    expect(checked.problems[0]).toMatchObject({ path: [], field: "document" });
    expect(checked.problems[0]!.message).toMatch(/^not valid JSON \(/);
  });

  it("names every schema problem by its path, as the server's schema reports it", () => {
    const json = withValueAt(withValueAt(demoPolicy(), ["heartbeat", "intervalSeconds"], 0.1), ["maintenanceWindows"], [{ startsAt: "soon", endsAt: "2026-12-08T04:00:00Z", reason: "r" }]);
    const checked = checkPolicyText(policyText(json));
    expect(checked.document).toBeNull();
    expect(checked.json).toEqual(json);
    expect(checked.problems.map((problem) => problem.field)).toEqual(["heartbeat.intervalSeconds", "maintenanceWindows.0.startsAt"]);
    expect(checked.problems[0]!.path).toEqual(["heartbeat", "intervalSeconds"]);
    expect(checked.problems[0]!.message).toContain("0.2");
  });

  it("refuses a field the schema does not know", () => {
    const checked = checkPolicyText(policyText(withValueAt(demoPolicy(), ["witness", "quorom"], 2)));
    expect(checked.problems.map((problem) => problem.field)).toEqual(["witness"]);
    expect(checked.problems[0]!.message).toContain("quorom");
  });
});

describe("valueAt and withValueAt", () => {
  it("read and write nested values without touching the original", () => {
    const original = demoPolicy();
    const changed = withValueAt(original, ["datasets", "orders", "replication"], "async");
    expect(valueAt(changed, ["datasets", "orders", "replication"])).toBe("async");
    expect(original.datasets.orders!.replication).toBe("sync");
    expect(Object.keys(changed as object)).toEqual(Object.keys(original));
  });

  it("create missing objects on the way, and read undefined where there is nothing", () => {
    expect(withValueAt({}, ["drills", "requireApproval"], true)).toEqual({ drills: { requireApproval: true } });
    expect(withValueAt({}, ["maintenanceWindows", 0], { reason: "r" })).toEqual({ maintenanceWindows: [{ reason: "r" }] });
    expect(valueAt({ a: 1 }, ["a", "b"])).toBeUndefined();
    expect(valueAt(undefined, ["a"])).toBeUndefined();
  });

  it("edit, append to and remove from arrays", () => {
    const windows = [{ reason: "a" }, { reason: "b" }];
    expect(withValueAt({ windows }, ["windows", 1, "reason"], "c")).toEqual({ windows: [{ reason: "a" }, { reason: "c" }] });
    expect(withValueAt({ windows }, ["windows", 2], { reason: "d" })).toEqual({ windows: [...windows, { reason: "d" }] });
    expect(withValueAt({ windows }, ["windows", 0], undefined)).toEqual({ windows: [{ reason: "b" }] });
  });

  it("remove an object's key when given undefined", () => {
    expect(withValueAt({ a: 1, b: 2 }, ["a"], undefined)).toEqual({ b: 2 });
  });
});
