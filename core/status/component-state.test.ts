import { describe, expect, it } from "vitest";
import { COMPONENT_STATE_RULES, COMPONENT_STATES, componentState, pageIndicator, serviceState, worstState, type ServiceStatusFacts } from "./component-state";

const well: ServiceStatusFacts = { writeHealth: "healthy", otherHealths: ["healthy", "healthy"], openIncident: null, inMaintenance: false };

describe("the component state rules", () => {
  it("have unique ids, a sentence each, and end with a row that always holds", () => {
    expect(new Set(COMPONENT_STATE_RULES.map((rule) => rule.id)).size).toBe(COMPONENT_STATE_RULES.length);
    for (const rule of COMPONENT_STATE_RULES) expect(rule.sentence).toMatch(/\.$/);
    expect(COMPONENT_STATE_RULES.at(-1)!.when({ writeHealth: null, otherHealths: [], openIncident: "investigating", inMaintenance: true })).toBe(true);
  });

  it("call a service that takes writes with every replica healthy operational", () => {
    expect(serviceState(well).id).toBe("all-well");
  });

  it.each(["unhealthy", "stale"] as const)("call a %s primary a major outage", (writeHealth) => {
    expect(serviceState({ ...well, writeHealth }).id).toBe("writes-not-served");
  });

  it("call a service with no replica taking writes a major outage, whatever the incident says", () => {
    expect(serviceState({ ...well, writeHealth: null, openIncident: "monitoring" }).state).toBe("major_outage");
  });

  it("do not call planned work an outage: a lost primary inside a maintenance window is under maintenance", () => {
    expect(serviceState({ ...well, writeHealth: "unhealthy", inMaintenance: true }).id).toBe("maintenance-in-force");
  });

  it.each(["investigating", "identified"] as const)("call an incident %s a partial outage, even with healthy replicas", (openIncident) => {
    expect(serviceState({ ...well, openIncident }).id).toBe("incident-being-worked");
  });

  it("let an incident being worked outrank a maintenance window", () => {
    expect(serviceState({ ...well, openIncident: "identified", inMaintenance: true }).state).toBe("partial_outage");
  });

  it("call a monitored incident degraded performance", () => {
    expect(serviceState({ ...well, openIncident: "monitoring" }).id).toBe("incident-monitored");
  });

  it.each(["degraded", "unhealthy", "stale", "unknown"] as const)("call a standby %s degraded performance", (health) => {
    expect(serviceState({ ...well, otherHealths: ["healthy", health] }).id).toBe("redundancy-reduced");
  });

  it("call a degraded primary degraded performance", () => {
    expect(serviceState({ ...well, writeHealth: "degraded" }).id).toBe("redundancy-reduced");
  });
});

describe("a component", () => {
  it("is as unwell as its least well service", () => {
    expect(componentState([well, { ...well, openIncident: "monitoring" }, { ...well, writeHealth: "stale" }])).toBe("major_outage");
    expect(componentState([well, { ...well, openIncident: "monitoring" }])).toBe("degraded_performance");
  });

  it("that maps to no service is operational", () => {
    expect(componentState([])).toBe("operational");
  });

  it("ranks the states worst last", () => {
    for (const [index, state] of COMPONENT_STATES.entries()) expect(worstState(COMPONENT_STATES.slice(0, index + 1))).toBe(state);
  });
});

describe("the page's indicator", () => {
  it("says all is well only when every component is operational", () => {
    expect(pageIndicator(["operational", "operational"])).toEqual({ state: "operational", description: "All systems operational" });
    expect(pageIndicator(["operational", "partial_outage", "degraded_performance"])).toEqual({ state: "partial_outage", description: "Partial outage" });
    expect(pageIndicator([]).state).toBe("operational");
  });
});
