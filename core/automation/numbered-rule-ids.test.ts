import { describe, expect, it } from "vitest";
import { automationRuleIn, automationRuleOf, NUMBERED_RULE_IDS } from "./numbered-rule-ids";
import { RULES } from "./rules";

describe("the rules' numbers before they were named", () => {
  it("name every rule of the time once, each number a rule that still exists", () => {
    const named = Object.values(NUMBERED_RULE_IDS);
    expect(new Set(named).size).toBe(named.length);
    for (const id of named) expect(RULES.map((rule) => rule.id)).toContain(id);
    expect(Object.keys(NUMBERED_RULE_IDS).sort()).toEqual(Array.from({ length: 15 }, (_, index) => `R${index + 1}`).sort());
  });

  it("translate an id as an audit event recorded it", () => {
    expect(automationRuleOf("R8")).toEqual({ id: "failover-automatic", recordedAs: "R8" });
    expect(automationRuleOf("failover-automatic")).toEqual({ id: "failover-automatic", recordedAs: null });
    expect(automationRuleOf("catch-up")).toBeNull();
    expect(automationRuleOf("toString")).toBeNull();
  });

  it("find the rule in an audit event by the automation only", () => {
    expect(automationRuleIn({ actorType: "automation", details: { rule: "R13", replica: "pg-1" } })).toEqual({ id: "fence-former-primary", recordedAs: "R13" });
    expect(automationRuleIn({ actorType: "automation", details: { rule: "fence-former-primary" } })).toEqual({ id: "fence-former-primary", recordedAs: null });
    expect(automationRuleIn({ actorType: "agent", details: { rule: "healthy" } })).toBeNull();
    expect(automationRuleIn({ actorType: "automation", details: null })).toBeNull();
    expect(automationRuleIn({ actorType: "automation", details: { rule: 8 } })).toBeNull();
  });
});
