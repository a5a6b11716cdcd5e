import { describe, expect, it } from "vitest";
import { ADMISSION_RULES, admission, formGroup, MAX_GROUP_BATCHES, MAX_GROUP_REPORTS } from "./group-admission";

const batch = (agentId: string, replicaId = `replica-of-${agentId}`, label = "", reports = 1) => ({ agentId, replicaId, label, reports });

describe("the group admission table", () => {
  it("declares each rule once with one sentence, ending in the one that always matches", () => {
    const ids = ADMISSION_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ADMISSION_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(ADMISSION_RULES.filter((rule) => rule.joins).map((rule) => rule.id)).toEqual(["joins"]);
    expect(ADMISSION_RULES.at(-1)!.when({ agents: new Set(["a"]), replicas: new Set(["r"]), size: MAX_GROUP_BATCHES, reports: MAX_GROUP_REPORTS }, { agentId: "a", replicaId: "r", reports: 1 })).toBe(true);
  });

  it("decides by the first matching row", () => {
    const group = { agents: new Set(["a"]), replicas: new Set(["r"]), size: 1, reports: 1 };
    expect(admission(group, { agentId: "b", replicaId: "s", reports: 1 }).id).toBe("joins");
    expect(admission(group, { agentId: "a", replicaId: "s", reports: 1 }).id).toBe("agent-already-in-group");
    expect(admission(group, { agentId: "b", replicaId: "r", reports: 1 }).id).toBe("replica-already-in-group");
    expect(admission({ ...group, size: MAX_GROUP_BATCHES }, { agentId: "b", replicaId: "s", reports: 1 }).id).toBe("group-full");
    expect(admission(group, { agentId: "b", replicaId: "s", reports: MAX_GROUP_REPORTS }).id).toBe("group-reports-full");
    expect(admission({ ...group, size: 0, reports: 0 }, { agentId: "b", replicaId: "s", reports: MAX_GROUP_REPORTS * 2 }).id).toBe("joins");
  });
});

describe("formGroup", () => {
  it("takes one batch per agent and per replica, oldest first, and leaves the rest in order", () => {
    const waiting = [batch("a", "r1", "a1"), batch("b", "r2", "b1"), batch("a", "r1", "a2"), batch("c", "r1", "c1"), batch("d", "r3", "d1"), batch("a", "r1", "a3")];
    const { group, later } = formGroup(waiting);
    expect(group.map((entry) => entry.label)).toEqual(["a1", "b1", "d1"]);
    expect(later.map((entry) => entry.label)).toEqual(["a2", "c1", "a3"]);
  });

  it("keeps an agent's batches in order once the group is full", () => {
    const waiting = [...Array.from({ length: MAX_GROUP_BATCHES }, (_, i) => batch(`agent-${i}`)), batch("late", "r", "late1"), batch("late", "r", "late2")];
    const { group, later } = formGroup(waiting);
    expect(group).toHaveLength(MAX_GROUP_BATCHES);
    expect(later.map((entry) => entry.label)).toEqual(["late1", "late2"]);
    expect(formGroup(later).group.map((entry) => entry.label)).toEqual(["late1"]);
  });

  it("stops a group at its reports, leaving the batch that would pass them for the next", () => {
    const waiting = [batch("a", "r1", "a1", 3000), batch("b", "r2", "b1", 2500), batch("c", "r3", "c1", 2000)];
    const { group, later } = formGroup(waiting);
    expect(group.map((entry) => entry.label)).toEqual(["a1", "c1"]);
    expect(later.map((entry) => entry.label)).toEqual(["b1"]);
  });

  it("forms an empty group from nothing", () => {
    expect(formGroup([])).toEqual({ group: [], later: [] });
  });
});
