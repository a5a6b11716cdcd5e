import { describe, expect, it } from "vitest";
import { decideStatus, INCIDENT_STATUSES, isOpenStatus, STATUS_RULE_IDS, STATUS_RULES, type IncidentStatus } from "./incident-status";

/** Every pair, with the rule that must decide it: the whole table, written out. */
const EXPECTED: Record<IncidentStatus, Record<IncidentStatus, string>> = {
  investigating: { investigating: "same-status-adds-note", identified: "forward", monitoring: "forward", resolved: "forward" },
  identified: { investigating: "back-to-investigating", identified: "same-status-adds-note", monitoring: "forward", resolved: "forward" },
  monitoring: { investigating: "back-to-investigating", identified: "back-to-identified", monitoring: "same-status-adds-note", resolved: "forward" },
  resolved: { investigating: "resolved-takes-no-update", identified: "resolved-takes-no-update", monitoring: "resolved-takes-no-update", resolved: "resolved-takes-no-update" },
};

describe("status transitions", () => {
  it("declares each rule once, with a sentence, ending in a catch-all", () => {
    expect(STATUS_RULES.map((rule) => rule.id)).toEqual([...STATUS_RULE_IDS]);
    for (const rule of STATUS_RULES) expect(rule.sentence).toMatch(/^[A-Z].+\.$/);
    expect(STATUS_RULES.at(-1)!.when("monitoring", "identified")).toBe(true);
  });

  it("decides every pair of statuses by the rule the table says", () => {
    for (const from of INCIDENT_STATUSES) {
      for (const to of INCIDENT_STATUSES) {
        const decision = decideStatus(from, to);
        expect([from, to, decision.rule]).toEqual([from, to, EXPECTED[from][to]]);
        expect(decision.allowed).toBe(from !== "resolved");
      }
    }
  });

  it("refuses an update on a resolved incident, naming the reason", () => {
    expect(decideStatus("resolved", "monitoring").sentence).toBe("The incident is resolved: it takes no more status updates (a new problem opens a new incident).");
  });

  it("counts every status but resolved as open", () => {
    expect(INCIDENT_STATUSES.filter(isOpenStatus)).toEqual(["investigating", "identified", "monitoring"]);
  });
});
