import { describe, expect, it } from "vitest";
import type { IncidentView } from "@/contracts/incidents";
import { renderIncident, renderIncidentChange, renderIncidents } from "./incidents";

const incident: IncidentView = {
  id: "inc1",
  title: "orders-db: automatic failover (failover-automatic)",
  serviceIds: ["orders-db"],
  status: "monitoring",
  openRule: "automatic-failover-opens",
  openedBy: { type: "automation", label: "automation" },
  firstSignAt: "2026-12-06T03:00:00.000Z",
  openedAt: "2026-12-06T03:00:05.000Z",
  resolvedAt: null,
  publicTitle: null,
  commander: { id: "u1", email: "ada@example.com", name: null },
  responders: [{ id: "u2", email: "bo@example.com", name: null }],
  lastUpdate: null,
  updates: [{ id: "up1", status: "investigating", note: "pg-us-east-1 is lost; fail over to pg-eu-west-1", publicNote: null, author: { type: "automation", label: "automation" }, at: "2026-12-06T03:00:05.000Z" }],
  window: { from: "2026-12-06T02:55:00.000Z", to: "2026-12-06T03:10:00.000Z" },
  timeline: [
    {
      at: "2026-12-06T03:00:04.000Z",
      source: { kind: "audit", id: "7" },
      action: "automation.decide",
      actor: { type: "automation", label: "automation" },
      serviceId: "orders-db",
      what: "Automation decided: fail-over",
      rule: "failover-automatic",
      why: "pg-us-east-1 is lost; fail over to pg-eu-west-1",
      runId: null,
      outcome: "success",
    },
  ],
  runIds: [],
  reviewVersion: null,
};

describe("incident rendering", () => {
  it("lists incidents with their status and commander, or says none match", () => {
    expect(renderIncidents({ incidents: [] })).toBe("No incidents match.");
    const table = renderIncidents({ incidents: [incident] });
    expect(table).toMatch(/inc1\s+monitoring\s+orders-db\s+2026-12-06 03:00:05Z\s+—\s+ada@example.com/);
  });

  it("shows roles, status updates and the timeline with each entry's rule and reason", () => {
    const text = renderIncident(incident);
    expect(text).toContain("commander ada@example.com; responders bo@example.com");
    expect(text).toContain("investigating");
    expect(text).toContain("automation: pg-us-east-1 is lost; fail over to pg-eu-west-1");
    expect(text).toMatch(/automation: automation\s+Automation decided: fail-over\s+failover-automatic\s+pg-us-east-1 is lost/);
    expect(renderIncidentChange(incident)).toBe("inc1 is monitoring; commander ada@example.com; responders bo@example.com");
  });
});
