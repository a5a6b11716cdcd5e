import { describe, expect, it } from "vitest";
import type { NotificationGroup, NotifiedAlert } from "./notification-group";
import { GROUPING_RULES, groupAnnouncements, groupKeyOf, mergeWaiting } from "./notification-groups";

const at = new Date("2026-12-07T10:00:00Z");
const alert = (id: string, serviceId: string | null = "orders-db", state: NotifiedAlert["state"] = "firing"): NotifiedAlert => ({
  id,
  ruleId: "replica-unreachable",
  title: "Replica unreachable",
  severity: "critical",
  serviceId,
  subjectLabel: id,
  sentence: `${id} does not answer its agent`,
  state,
  startedAt: at,
  firedAt: at,
  resolvedAt: state === "resolved" ? at : null,
  policyVersion: 1,
});
const ids = (group: NotificationGroup) => group.alerts.map((item) => `${item.id}:${item.state}`);

describe("groupAnnouncements", () => {
  it("one group per service, every alert of it that fires listed, accounts apart", () => {
    const a = alert("a");
    const b = alert("b");
    const c = alert("c", "billing-db");
    const d = alert("d", null);
    const old = alert("old");
    const decisions = groupAnnouncements(
      [{ alert: a, event: "fire" }, { alert: b, event: "fire" }, { alert: c, event: "fire" }, { alert: d, event: "fire" }],
      [old, a, b, c, d],
      "http://console/alerts",
    );
    expect(decisions.map((decision) => [decision.ruleId, decision.notify, decision.group.key, decision.group.status, ids(decision.group)])).toEqual([
      ["alert-joins-group", true, "service:orders-db", "firing", ["old:firing", "a:firing", "b:firing"]],
      ["alert-joins-group", true, "service:billing-db", "firing", ["c:firing"]],
      ["alert-joins-group", true, "accounts", "firing", ["d:firing"]],
    ]);
    expect(decisions[0]!.group).toMatchObject({ serviceId: "orders-db", url: "http://console/alerts" });
    expect(decisions[2]!.group.serviceId).toBeNull();
  });

  it("the last firing alert resolving notifies the group resolved, with what resolved", () => {
    const decisions = groupAnnouncements([{ alert: alert("a", "orders-db", "resolved"), event: "resolve" }, { alert: alert("b", "orders-db", "resolved"), event: "resolve" }], [], null);
    expect(decisions.map((decision) => [decision.ruleId, decision.notify, decision.group.status, ids(decision.group)])).toEqual([["group-resolves", true, "resolved", ["a:resolved", "b:resolved"]]]);
  });

  it("an alert resolving while others fire notifies nobody, but its group is ready to update a waiting notification", () => {
    const [decision] = groupAnnouncements([{ alert: alert("a", "orders-db", "resolved"), event: "resolve" }], [alert("b")], null);
    expect([decision!.ruleId, decision!.notify, decision!.group.status, ids(decision!.group)]).toEqual(["alert-resolves-in-firing-group", false, "firing", ["b:firing", "a:resolved"]]);
  });

  it("an alert firing as another resolves notifies the group, firing, listing both", () => {
    const [decision] = groupAnnouncements([{ alert: alert("a", "orders-db", "resolved"), event: "resolve" }, { alert: alert("b"), event: "fire" }], [alert("b")], null);
    expect([decision!.ruleId, decision!.notify, ids(decision!.group)]).toEqual(["alert-joins-group", true, ["b:firing", "a:resolved"]]);
  });

  it("announces nothing when nothing is announced", () => {
    expect(groupAnnouncements([], [alert("a")], null)).toEqual([]);
  });

  it("keys groups by service", () => {
    expect(groupKeyOf("orders-db")).toBe("service:orders-db");
    expect(groupKeyOf(null)).toBe("accounts");
  });
});

describe("mergeWaiting", () => {
  const group = (status: NotificationGroup["status"], alerts: NotifiedAlert[]): NotificationGroup => ({ key: "service:orders-db", serviceId: "orders-db", status, alerts, url: null });
  it("keeps the resolutions a waiting notification told that the fresh group does not list", () => {
    const merged = mergeWaiting(group("firing", [alert("a"), alert("gone", "orders-db", "resolved")]), group("firing", [alert("a"), alert("b")]));
    expect([merged.status, ids(merged)]).toEqual(["firing", ["a:firing", "b:firing", "gone:resolved"]]);
  });
  it("drops what fired in the waiting one and no longer fires (the fresh group lists every firing alert)", () => {
    const merged = mergeWaiting(group("firing", [alert("a")]), group("resolved", [alert("a", "orders-db", "resolved")]));
    expect([merged.status, ids(merged)]).toEqual(["resolved", ["a:resolved"]]);
  });
  it("is firing while any alert fires", () => {
    const merged = mergeWaiting(group("resolved", [alert("gone", "orders-db", "resolved")]), group("firing", [alert("b")]));
    expect([merged.status, ids(merged)]).toEqual(["firing", ["b:firing", "gone:resolved"]]);
  });
});

describe("GROUPING_RULES", () => {
  it("is a table of uniquely named rules, each with a sentence", () => {
    expect(new Set(GROUPING_RULES.map((rule) => rule.id)).size).toBe(GROUPING_RULES.length);
    for (const rule of GROUPING_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });
});
