import { describe, expect, it } from "vitest";
import { DIAGNOSES } from "./diagnose";
import { ALWAYS, RULES } from "./rules";

describe("the rules table", () => {
  it("has unique ids that are names, not numbers", () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it("decides every diagnosis: each one's last row always matches", () => {
    for (const diagnosis of DIAGNOSES) {
      const rows = RULES.filter((rule) => rule.diagnosis === diagnosis);
      expect(rows.length, diagnosis).toBeGreaterThan(0);
      expect(rows.at(-1)?.when, diagnosis).toBe(ALWAYS);
    }
  });

  it("has no row hidden behind an unconditional row of the same diagnosis", () => {
    for (const diagnosis of DIAGNOSES) {
      const rows = RULES.filter((rule) => rule.diagnosis === diagnosis);
      expect(rows.findIndex((rule) => rule.when === ALWAYS), diagnosis).toBe(rows.length - 1);
    }
  });

  it("fails over only from a confirmed loss", () => {
    expect(RULES.filter((rule) => rule.action.kind === "fail-over").map((rule) => rule.diagnosis)).toEqual(["primary_unreachable_confirmed"]);
  });
});
