import { describe, expect, it } from "vitest";
import { alertWebhooks } from "@/server/alert-webhooks";

describe("SWITCHYARD_ALERT_WEBHOOKS", () => {
  it("reads plain URLs as Switchyard's JSON and format=url entries in their format", () => {
    const env = { SWITCHYARD_ALERT_WEBHOOKS: "https://a.example/hook, alertmanager=http://127.0.0.1:9093/x slack=https://hooks.slack.com/s,pagerduty=https://events.pagerduty.com/v2/enqueue#KEY1" };
    expect(alertWebhooks(env)).toEqual([
      { format: "switchyard", url: "https://a.example/hook", routingKey: null },
      { format: "alertmanager", url: "http://127.0.0.1:9093/x", routingKey: null },
      { format: "slack", url: "https://hooks.slack.com/s", routingKey: null },
      { format: "pagerduty", url: "https://events.pagerduty.com/v2/enqueue", routingKey: "KEY1" },
    ]);
  });

  it("is empty when unset and refuses a malformed entry naming the variable", () => {
    expect(alertWebhooks({})).toEqual([]);
    expect(() => alertWebhooks({ SWITCHYARD_ALERT_WEBHOOKS: "gopher://x" })).toThrow(/^SWITCHYARD_ALERT_WEBHOOKS: gopher:\/\/x is not an http\(s\) URL$/);
    expect(() => alertWebhooks({ SWITCHYARD_ALERT_WEBHOOKS: "pagerduty=https://x.example/" })).toThrow(/routing key/);
  });
});
