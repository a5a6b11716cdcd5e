import { describe, expect, it } from "vitest";
import { decideRoles, ROLE_RULE_IDS, ROLE_RULES, roleSentence, type IncidentRoles } from "./incident-roles";

const none: IncidentRoles = { commanderId: null, responderIds: [] };
const held: IncidentRoles = { commanderId: "ada", responderIds: ["bo"] };

describe("role changes", () => {
  it("declares each rule once, with a sentence", () => {
    expect(Object.keys(ROLE_RULES)).toEqual([...ROLE_RULE_IDS]);
    for (const rule of Object.values(ROLE_RULES)) expect(rule.sentence).toMatch(/^[A-Z{].+\.$/);
  });

  it("assigns, changes and clears the commander", () => {
    expect(decideRoles("investigating", none, { commander: "ada" })).toEqual({ ok: true, changes: [{ rule: "commander-assigned", userId: "ada", previousId: null }], after: { commanderId: "ada", responderIds: [] } });
    expect(decideRoles("identified", held, { commander: "cy" })).toMatchObject({ ok: true, changes: [{ rule: "commander-changed", userId: "cy", previousId: "ada" }] });
    expect(decideRoles("monitoring", held, { commander: null })).toMatchObject({ ok: true, changes: [{ rule: "commander-cleared", userId: null, previousId: "ada" }], after: { commanderId: null } });
  });

  it("adds and removes responders, once each", () => {
    const decision = decideRoles("investigating", held, { addResponders: ["cy", "cy", "bo"], removeResponders: ["bo"] });
    expect(decision).toEqual({
      ok: true,
      changes: [
        { rule: "responder-removed", userId: "bo", previousId: null },
        { rule: "responder-added", userId: "cy", previousId: null },
        { rule: "responder-added", userId: "bo", previousId: null },
      ],
      after: { commanderId: "ada", responderIds: ["cy", "bo"] },
    });
  });

  it("refuses on a resolved incident, a responder not held, and a request that changes nothing", () => {
    expect(decideRoles("resolved", held, { commander: "cy" })).toEqual({ ok: false, rule: "resolved-roles-fixed", userId: null });
    expect(decideRoles("investigating", held, { removeResponders: ["cy"] })).toEqual({ ok: false, rule: "responder-not-held", userId: "cy" });
    expect(decideRoles("investigating", held, { commander: "ada", addResponders: ["bo"] })).toEqual({ ok: false, rule: "nothing-changes", userId: null });
    expect(decideRoles("investigating", held, {})).toMatchObject({ ok: false, rule: "nothing-changes" });
  });

  it("names the people in the rule's sentence", () => {
    expect(roleSentence("commander-changed", "cy@example.com", "ada@example.com")).toBe("cy@example.com takes command of the incident from ada@example.com.");
    expect(roleSentence("responder-not-held", "cy@example.com", null)).toBe("cy@example.com is not a responder of this incident, so cannot be removed as one.");
  });
});
