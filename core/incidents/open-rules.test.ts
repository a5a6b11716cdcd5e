import { describe, expect, it } from "vitest";
import { PAGE_SEVERITY } from "../alerts/page-level";
import { decideOpen, OPEN_RULE_IDS, OPEN_RULES, titleOf, type IncidentSign } from "./open-rules";

const alert = (overrides: Partial<Extract<IncidentSign, { kind: "alert" }>> = {}): IncidentSign => ({
  kind: "alert",
  serviceId: "orders-db",
  severity: "critical",
  inMaintenance: false,
  label: "Heartbeat stale on pg-us-east-1",
  ...overrides,
});
const failover = (startedBy: "automation" | "person"): IncidentSign => ({ kind: "failover", serviceId: "orders-db", startedBy, label: "failover-automatic" });
const declared: IncidentSign = { kind: "declared", serviceId: "orders-db", label: "customers report timeouts" };

describe("opening rules", () => {
  it("declares each rule once, with a sentence, ending in a catch-all", () => {
    expect(OPEN_RULES.map((rule) => rule.id)).toEqual([...OPEN_RULE_IDS]);
    for (const rule of OPEN_RULES) expect(rule.sentence).toMatch(/^[A-Z].+\.$/);
    for (const sign of [alert(), failover("automation"), declared]) for (const open of [true, false]) expect(OPEN_RULES.at(-1)!.when(sign, open)).toBe(true);
  });

  it("pages at critical, and critical only", () => {
    expect(PAGE_SEVERITY).toBe("critical");
    expect(decideOpen(alert({ severity: "warning" }), false).rule).toBe("below-page-level-opens-nothing");
    expect(decideOpen(alert({ severity: "warning" }), true).outcome).toBe("ignore");
  });

  it("opens on a page-level alert, and attaches the next one to the open incident", () => {
    expect(decideOpen(alert(), false)).toEqual({ rule: "page-alert-opens", outcome: "open", sentence: "A page-level alert of a service with no open incident opens one." });
    expect(decideOpen(alert(), true)).toMatchObject({ rule: "page-alert-attaches", outcome: "attach" });
  });

  it("ignores alerts about the installation and alerts raised in a maintenance window, open incident or not", () => {
    for (const open of [true, false]) {
      expect(decideOpen(alert({ serviceId: null }), open).rule).toBe("installation-alert-opens-nothing");
      expect(decideOpen(alert({ inMaintenance: true }), open).rule).toBe("maintenance-alert-opens-nothing");
    }
  });

  it("opens or attaches on a failover the automation started, never on one a person started", () => {
    expect(decideOpen(failover("automation"), false)).toMatchObject({ rule: "automatic-failover-opens", outcome: "open" });
    expect(decideOpen(failover("automation"), true)).toMatchObject({ rule: "automatic-failover-attaches", outcome: "attach" });
    for (const open of [true, false]) expect(decideOpen(failover("person"), open)).toMatchObject({ rule: "person-started-failover-opens-nothing", outcome: "ignore" });
  });

  it("lets a person declare an incident only for a service with none open", () => {
    expect(decideOpen(declared, false)).toMatchObject({ rule: "declared-opens", outcome: "open" });
    expect(decideOpen(declared, true)).toMatchObject({ rule: "declared-refused-while-open", outcome: "refuse" });
  });

  it("titles the incident after its first sign", () => {
    expect(titleOf(alert())).toBe("orders-db: Heartbeat stale on pg-us-east-1");
    expect(titleOf(failover("automation"))).toBe("orders-db: automatic failover (failover-automatic)");
    expect(titleOf(declared)).toBe("orders-db: customers report timeouts");
  });
});
