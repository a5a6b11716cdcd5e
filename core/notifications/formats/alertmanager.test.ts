import { describe, expect, it } from "vitest";
import { notificationGroup, notifiedAlert } from "@/test/support/notified-alerts";
import { ALERTMANAGER_ZERO_TIME, type AlertmanagerAlert, alertmanagerWebhook, labelsFingerprint } from "./alertmanager";

const options = { receiver: "oncall-ada", externalUrl: "https://switchyard.example.com" };

describe("Alertmanager webhook JSON", () => {
  it("has exactly the version 4 fields, in Alertmanager's shape", () => {
    const body = alertmanagerWebhook(notificationGroup(), options);
    expect(Object.keys(body).sort()).toEqual(
      ["alerts", "commonAnnotations", "commonLabels", "externalURL", "groupKey", "groupLabels", "receiver", "status", "truncatedAlerts", "version"].sort(),
    );
    expect(body).toMatchObject({
      version: "4",
      groupKey: "service:orders-db",
      truncatedAlerts: 0,
      status: "firing",
      receiver: "oncall-ada",
      groupLabels: { service: "orders-db" },
      externalURL: "https://switchyard.example.com",
    });
    expect(Object.keys(body.alerts[0]!).sort()).toEqual(["annotations", "endsAt", "fingerprint", "generatorURL", "labels", "startsAt", "status"]);
  });

  it("labels an alert by rule, severity, service and subject and annotates it with summary and description", () => {
    const alert = alertmanagerWebhook(notificationGroup(), options).alerts[0]!;
    expect(alert.labels).toEqual({ alertname: "heartbeat-stale", severity: "critical", service: "orders-db", subject: "pg-us-east-1" });
    expect(alert.annotations).toEqual({ summary: "Heartbeat stale", description: "pg-us-east-1 has not reported for 30 s (staleness window 15 s)" });
    expect(alert.generatorURL).toBe("https://switchyard.example.com/alerts?service=orders-db");
  });

  it("starts at the firing, and ends at Go's zero time until resolved", () => {
    const firing = alertmanagerWebhook(notificationGroup(), options).alerts[0]!;
    expect(firing).toMatchObject({ status: "firing", startsAt: "2026-12-05T10:00:30.000Z", endsAt: ALERTMANAGER_ZERO_TIME });
    const resolved = alertmanagerWebhook(notificationGroup([notifiedAlert({ state: "resolved", resolvedAt: new Date("2026-12-05T11:00:00.000Z") })]), options);
    expect(resolved.status).toBe("resolved");
    expect(resolved.alerts[0]!).toMatchObject({ status: "resolved", endsAt: "2026-12-05T11:00:00.000Z" });
  });

  it("a pending alert's start is its start", () => {
    const alert = alertmanagerWebhook(notificationGroup([notifiedAlert({ firedAt: null })]), options).alerts[0]!;
    expect(alert.startsAt).toBe("2026-12-05T10:00:00.000Z");
  });

  it("keeps only what every alert shares in commonLabels and commonAnnotations", () => {
    const body = alertmanagerWebhook(
      notificationGroup([notifiedAlert(), notifiedAlert({ id: "alert-2", ruleId: "replica-unreachable", title: "Replica unreachable", sentence: "pg-us-east-1 does not answer its agent" })]),
      options,
    );
    expect(body.commonLabels).toEqual({ severity: "critical", service: "orders-db", subject: "pg-us-east-1" });
    expect(body.commonAnnotations).toEqual({});
    expect(body.alerts).toHaveLength(2);
  });

  it("an installation alert has no service label and no group labels; an unknown address is empty", () => {
    const body = alertmanagerWebhook(notificationGroup([notifiedAlert({ serviceId: null })], { serviceId: null, key: "accounts", url: null }), {
      receiver: "r",
      externalUrl: null,
    });
    expect(body.groupLabels).toEqual({});
    expect(body.alerts[0]!.labels).not.toHaveProperty("service");
    expect(body.externalURL).toBe("");
    expect(body.alerts[0]!.generatorURL).toBe("");
  });

  it("fingerprints labels like Alertmanager: FNV-1a 64 over sorted names and values, 16 hex digits", () => {
    // The empty label set is FNV-1a's offset basis, as in Prometheus' model.
    expect(labelsFingerprint({})).toBe("cbf29ce484222325");
    // prometheus/common's signature test: this label set hashes to 5799056148416392346.
    expect(labelsFingerprint({ name: "garland, briggs", fear: "love is not enough" })).toBe((5799056148416392346n).toString(16).padStart(16, "0"));
    expect(labelsFingerprint({ a: "1", b: "2" })).toBe(labelsFingerprint({ b: "2", a: "1" }));
    expect(labelsFingerprint({ a: "1", b: "2" })).not.toBe(labelsFingerprint({ a: "12", b: "" }));
    const [first, second] = alertmanagerWebhook(notificationGroup([notifiedAlert(), notifiedAlert({ subjectLabel: "pg-eu-west-1" })]), options).alerts as [AlertmanagerAlert, AlertmanagerAlert];
    expect(first.fingerprint).not.toBe(second.fingerprint);
  });
});
