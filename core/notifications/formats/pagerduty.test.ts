import { describe, expect, it } from "vitest";
import { notificationGroup, notifiedAlert } from "@/test/support/notified-alerts";
import { PAGERDUTY_SUMMARY_MAX, pagerDutyEvent } from "./pagerduty";

const routingKey = "R0UTINGKEY0123456789abcdefabcdef";

describe("PagerDuty Events v2 event", () => {
  it("triggers a firing group with the documented fields", () => {
    const event = pagerDutyEvent(notificationGroup(), { routingKey });
    expect(event).toMatchObject({
      routing_key: routingKey,
      event_action: "trigger",
      dedup_key: "service:orders-db",
      client: "Switchyard",
      client_url: "https://switchyard.example.com/alerts?service=orders-db",
      links: [{ href: "https://switchyard.example.com/alerts?service=orders-db", text: "Open in Switchyard" }],
      payload: {
        summary: "orders-db: Heartbeat stale — pg-us-east-1 has not reported for 30 s (staleness window 15 s)",
        source: "orders-db",
        severity: "critical",
        timestamp: "2026-12-05T10:00:30.000Z",
        component: "orders-db",
        group: "orders-db",
        class: "heartbeat-stale",
      },
    });
    expect(event.payload!.custom_details.alerts).toEqual([expect.objectContaining({ id: "alert-1", rule: "heartbeat-stale", state: "firing" })]);
  });

  it("resolves a resolved group, and acknowledges when asked, with the same dedup key and no payload", () => {
    const resolved = pagerDutyEvent(notificationGroup([notifiedAlert({ state: "resolved", resolvedAt: new Date() })]), { routingKey });
    expect(resolved.event_action).toBe("resolve");
    expect(resolved.payload).toBeUndefined();
    expect(resolved.dedup_key).toBe("service:orders-db");
    const acknowledged = pagerDutyEvent(notificationGroup(), { routingKey, action: "acknowledge" });
    expect(acknowledged).toMatchObject({ event_action: "acknowledge", dedup_key: "service:orders-db" });
    expect(acknowledged.payload).toBeUndefined();
  });

  it("maps severities to PagerDuty's: critical stays critical, warning stays warning", () => {
    expect(pagerDutyEvent(notificationGroup([notifiedAlert({ severity: "warning" })]), { routingKey }).payload!.severity).toBe("warning");
    expect(pagerDutyEvent(notificationGroup([notifiedAlert({ severity: "warning" }), notifiedAlert({ id: "b" })]), { routingKey }).payload!.severity).toBe("critical");
  });

  it("keeps the summary within 1024 characters and summarises several alerts", () => {
    const long = pagerDutyEvent(notificationGroup([notifiedAlert({ sentence: "x".repeat(3000) })]), { routingKey });
    expect(long.payload!.summary.length).toBe(PAGERDUTY_SUMMARY_MAX);
    const two = pagerDutyEvent(
      notificationGroup([notifiedAlert(), notifiedAlert({ id: "b", ruleId: "replica-unreachable", title: "Replica unreachable", firedAt: new Date("2026-12-05T09:59:00Z") })]),
      { routingKey },
    );
    expect(two.payload).toMatchObject({ summary: "orders-db: 2 alerts firing — Heartbeat stale, Replica unreachable", class: "heartbeat-stale,replica-unreachable", timestamp: "2026-12-05T09:59:00.000Z" });
  });

  it("an installation alert's source is the accounts, with no component or group; no address, no links", () => {
    const event = pagerDutyEvent(notificationGroup([notifiedAlert({ serviceId: null })], { serviceId: null, url: null, key: "accounts" }), { routingKey });
    expect(event.payload!.source).toBe("accounts");
    expect(event.payload).not.toHaveProperty("component");
    expect(event.payload).not.toHaveProperty("group");
    expect(event).not.toHaveProperty("links");
  });
});
