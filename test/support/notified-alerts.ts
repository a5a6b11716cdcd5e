import type { NotificationGroup, NotifiedAlert } from "@/core/notifications/notification-group";

/** Alerts and groups the format tests encode. */
export function notifiedAlert(overrides: Partial<NotifiedAlert> = {}): NotifiedAlert {
  return {
    id: "alert-1",
    ruleId: "heartbeat-stale",
    title: "Heartbeat stale",
    severity: "critical",
    serviceId: "orders-db",
    subjectLabel: "pg-us-east-1",
    sentence: "pg-us-east-1 has not reported for 30 s (staleness window 15 s)",
    state: "firing",
    startedAt: new Date("2026-12-05T10:00:00.000Z"),
    firedAt: new Date("2026-12-05T10:00:30.000Z"),
    resolvedAt: null,
    policyVersion: 3,
    ...overrides,
  };
}

export function notificationGroup(alerts: NotifiedAlert[] = [notifiedAlert()], overrides: Partial<NotificationGroup> = {}): NotificationGroup {
  return {
    key: "service:orders-db",
    serviceId: "orders-db",
    status: alerts.some((alert) => alert.state === "firing") ? "firing" : "resolved",
    alerts,
    url: "https://switchyard.example.com/alerts?service=orders-db",
    ...overrides,
  };
}
