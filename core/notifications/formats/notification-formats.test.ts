import { describe, expect, it } from "vitest";
import { notificationGroup } from "@/test/support/notified-alerts";
import { NOTIFICATION_FORMAT_IDS, NOTIFICATION_FORMATS, PAGERDUTY_EVENTS_URL, encodeNotification, parseWebhookTarget } from "./notification-formats";

describe("notification formats", () => {
  it("declares every format once, with one sentence", () => {
    expect(NOTIFICATION_FORMATS.map((format) => format.id)).toEqual([...NOTIFICATION_FORMAT_IDS]);
    for (const format of NOTIFICATION_FORMATS) expect(format.sentence).toMatch(/^[A-Z].*\.$/);
  });

  it("encodes a group in the target's format", () => {
    const group = notificationGroup();
    const options = { externalUrl: null, receiver: "ada" };
    expect(encodeNotification(group, { format: "switchyard", url: "https://x", routingKey: null }, options)).toHaveProperty("alert.id", "alert-1");
    expect(encodeNotification(group, { format: "alertmanager", url: "https://x", routingKey: null }, options)).toHaveProperty("version", "4");
    expect(encodeNotification(group, { format: "slack", url: "https://x", routingKey: null }, options)).toHaveProperty("blocks");
    expect(encodeNotification(group, { format: "pagerduty", url: "https://x", routingKey: "k" }, { ...options, pagerDutyAction: "acknowledge" })).toMatchObject({
      routing_key: "k",
      event_action: "acknowledge",
    });
  });
});

describe("webhook entries", () => {
  it("a plain URL is Switchyard's JSON", () => {
    expect(parseWebhookTarget("https://hooks.example.com/a?b=c")).toEqual({ format: "switchyard", url: "https://hooks.example.com/a?b=c", routingKey: null });
  });

  it("format=url names the format", () => {
    expect(parseWebhookTarget("alertmanager=http://127.0.0.1:9000/hook")).toEqual({ format: "alertmanager", url: "http://127.0.0.1:9000/hook", routingKey: null });
    expect(parseWebhookTarget("slack=https://hooks.slack.com/services/T/B/X")).toEqual({ format: "slack", url: "https://hooks.slack.com/services/T/B/X", routingKey: null });
    expect(parseWebhookTarget("switchyard=https://a.example")).toEqual({ format: "switchyard", url: "https://a.example", routingKey: null });
  });

  it("pagerduty takes its routing key from the fragment, never sent, or alone for PagerDuty's endpoint", () => {
    expect(parseWebhookTarget("pagerduty=https://events.pagerduty.com/v2/enqueue#abc123")).toEqual({ format: "pagerduty", url: PAGERDUTY_EVENTS_URL, routingKey: "abc123" });
    expect(parseWebhookTarget("pagerduty=abc123")).toEqual({ format: "pagerduty", url: PAGERDUTY_EVENTS_URL, routingKey: "abc123" });
    expect(parseWebhookTarget("pagerduty=http://127.0.0.1:9/pd#k%20y")).toEqual({ format: "pagerduty", url: "http://127.0.0.1:9/pd", routingKey: "k y" });
  });

  it("refuses, saying why: an unknown format, a URL that is not http(s), PagerDuty without a key", () => {
    expect(parseWebhookTarget("teams=https://x.example")).toMatch(/names the format "teams"; formats are switchyard, alertmanager, slack, pagerduty/);
    expect(parseWebhookTarget("ftp://x.example")).toBe("ftp://x.example is not an http(s) URL");
    expect(parseWebhookTarget("slack=nope")).toBe("slack=nope: nope is not an http(s) URL");
    expect(parseWebhookTarget("pagerduty=https://events.pagerduty.com/v2/enqueue")).toMatch(/needs its routing key after #/);
  });
});
