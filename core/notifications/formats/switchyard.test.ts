import { describe, expect, it } from "vitest";
import { notificationGroup, notifiedAlert } from "@/test/support/notified-alerts";
import { switchyardNotification } from "./switchyard";

describe("Switchyard's own JSON", () => {
  it("for one alert is what a plain webhook has always received, plus the group's alerts", () => {
    const body = switchyardNotification(notificationGroup());
    expect(body).toEqual({
      text: "[FIRING] orders-db: Heartbeat stale — pg-us-east-1 has not reported for 30 s (staleness window 15 s)",
      status: "firing",
      groupKey: expect.any(String),
      service: "orders-db",
      url: "https://switchyard.example.com/alerts?service=orders-db",
      alert: {
        id: "alert-1",
        rule: "heartbeat-stale",
        title: "Heartbeat stale",
        severity: "critical",
        service: "orders-db",
        subject: "pg-us-east-1",
        sentence: "pg-us-east-1 has not reported for 30 s (staleness window 15 s)",
        status: "firing",
        startedAt: "2026-12-05T10:00:00.000Z",
        firedAt: "2026-12-05T10:00:30.000Z",
        resolvedAt: null,
        policyVersion: 3,
        url: "https://switchyard.example.com/alerts?service=orders-db",
      },
      alerts: [body.alert],
    });
  });

  it("for several alerts says each firing one on a line of its text, and every alert of the group in alerts", () => {
    const body = switchyardNotification(notificationGroup([notifiedAlert(), notifiedAlert({ id: "b", title: "Replica unreachable", sentence: "down" }), notifiedAlert({ id: "c", title: "Lag above budget", sentence: "caught up", state: "resolved" })]));
    expect(body.text).toBe("[FIRING] orders-db: 2 alerts\n• Heartbeat stale — pg-us-east-1 has not reported for 30 s (staleness window 15 s)\n• Replica unreachable — down");
    expect(body.alerts.map((alert) => [alert.id, alert.status])).toEqual([
      ["alert-1", "firing"],
      ["b", "firing"],
      ["c", "resolved"],
    ]);
  });
});
