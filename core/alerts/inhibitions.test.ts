import { describe, expect, it } from "vitest";
import { ALERT_RULE_IDS, type AlertRuleId } from "./alert-rules";
import { INHIBITION_RULES, inhibitionLabel, inhibitions, type Inhibitable } from "./inhibitions";

const PRIMARY: Record<string, string | null> = { "orders-db": "r-primary", "billing-db": "b-primary", "new-db": null };
const writeReplicaOf = (serviceId: string) => PRIMARY[serviceId] ?? null;
const alert = (ruleId: AlertRuleId, replicaId: string | null, serviceId: string | null = "orders-db"): Inhibitable => ({
  serviceId,
  ruleId,
  subject: { key: replicaId ? `replica:${replicaId}` : "automation:x", label: replicaId ?? "automation", replicaId },
});
const inhibitedIn = (alerts: Inhibitable[]) => [...inhibitions(alerts, writeReplicaOf)].map(([target, { ruleId, by }]) => [alerts.indexOf(target), ruleId, alerts.indexOf(by)]);

describe("inhibitions", () => {
  it.each(["replica-unreachable", "heartbeat-stale"] as const)("a primary's %s inhibits replica-unreachable and lag-above-budget on the service's other replicas", (source) => {
    const alerts = [alert(source, "r-primary"), alert("replica-unreachable", "r-standby"), alert("lag-above-budget", "r-async"), alert("lag-above-budget", "r-standby")];
    expect(inhibitedIn(alerts)).toEqual([
      [1, "lost-primary-inhibits-replica-unreachable", 0],
      [2, "lost-primary-inhibits-lag", 0],
      [3, "lost-primary-inhibits-lag", 0],
    ]);
  });

  it("inhibits nothing else: other rules on the replicas, the primary's own alerts, alerts about no replica", () => {
    const others = ALERT_RULE_IDS.filter((id) => id !== "replica-unreachable" && id !== "lag-above-budget");
    const alerts = [alert("heartbeat-stale", "r-primary"), alert("replica-unreachable", "r-primary"), ...others.map((id) => alert(id, "r-standby")), alert("lag-above-budget", null)];
    expect(inhibitedIn(alerts)).toEqual([]);
  });

  it("a standby's trouble inhibits nothing: only the write primary is a source", () => {
    expect(inhibitedIn([alert("replica-unreachable", "r-standby"), alert("heartbeat-stale", "r-standby"), alert("lag-above-budget", "r-async"), alert("replica-unreachable", "r-async")])).toEqual([]);
  });

  it("stays within a service: another service's lost primary, or a service with no write primary, inhibits nothing", () => {
    expect(inhibitedIn([alert("heartbeat-stale", "b-primary", "billing-db"), alert("lag-above-budget", "r-standby")])).toEqual([]);
    expect(inhibitedIn([alert("heartbeat-stale", "n-1", "new-db"), alert("lag-above-budget", "n-2", "new-db")])).toEqual([]);
    expect(inhibitedIn([alert("heartbeat-stale", null, null), alert("lag-above-budget", "r-standby", null)])).toEqual([]);
  });

  it("names the first source seen when the primary is both unreachable and stale", () => {
    const alerts = [alert("heartbeat-stale", "r-primary"), alert("replica-unreachable", "r-primary"), alert("lag-above-budget", "r-standby")];
    expect(inhibitedIn(alerts)).toEqual([[2, "lost-primary-inhibits-lag", 0]]);
    expect(inhibitionLabel(alerts[0]!)).toBe("inhibited by heartbeat-stale on r-primary");
  });

  it("is a table of uniquely named rules with a sentence, over rules that exist", () => {
    expect(new Set(INHIBITION_RULES.map((rule) => rule.id)).size).toBe(INHIBITION_RULES.length);
    for (const rule of INHIBITION_RULES) {
      expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
      for (const id of [...rule.sources, ...rule.targets]) expect(ALERT_RULE_IDS).toContain(id);
    }
  });
});
