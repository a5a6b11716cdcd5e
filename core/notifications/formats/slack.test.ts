import { describe, expect, it } from "vitest";
import { notificationGroup, notifiedAlert } from "@/test/support/notified-alerts";
import { SLACK_HEADER_MAX, SLACK_MAX_BLOCKS, SLACK_SECTION_MAX, escapeMrkdwn, slackMessage } from "./slack";

describe("Slack-compatible message", () => {
  it("says the status, the service, the rule and its sentence in text, with a header, a section per alert and a link", () => {
    const message = slackMessage(notificationGroup());
    expect(message.text).toBe("[FIRING] orders-db: Heartbeat stale — pg-us-east-1 has not reported for 30 s (staleness window 15 s)");
    expect(message.blocks.map((block) => block.type)).toEqual(["header", "section", "divider", "context"]);
    expect(message.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "[FIRING] orders-db: Heartbeat stale" } });
    expect(message.blocks[1]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    expect(message.blocks[3]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "<https://switchyard.example.com/alerts?service=orders-db|Open in Switchyard>" }] });
  });

  it("a resolved group says so", () => {
    const message = slackMessage(notificationGroup([notifiedAlert({ state: "resolved", resolvedAt: new Date("2026-12-05T11:00:00Z") })]));
    expect(message.text.startsWith("[RESOLVED] orders-db")).toBe(true);
    expect(JSON.stringify(message.blocks[1])).toContain("resolved 2026-12-05T11:00:00.000Z");
  });

  it("escapes Slack's markup characters in what alerts say", () => {
    expect(escapeMrkdwn("a <b> & c")).toBe("a &lt;b&gt; &amp; c");
    const message = slackMessage(notificationGroup([notifiedAlert({ sentence: "<!channel> & friends" })]));
    expect(JSON.stringify(message.blocks[1])).toContain("&lt;!channel&gt; &amp; friends");
  });

  it("keeps Slack's limits: header 150, section 3000 characters, 50 blocks, saying how many alerts were left out", () => {
    const long = "x".repeat(5000);
    const alerts = Array.from({ length: 60 }, (_, index) => notifiedAlert({ id: `a${index}`, title: long, sentence: long }));
    const message = slackMessage(notificationGroup(alerts, { serviceId: "s".repeat(200) }));
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    for (const block of message.blocks) {
      if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_HEADER_MAX);
      if (block.type === "section") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_SECTION_MAX);
    }
    expect(JSON.stringify(message.blocks)).toContain("…and 14 more alerts");
    expect(message.text).toContain("60 firing of 60 alerts");
  });

  it("without the console's address names the group instead of linking", () => {
    const message = slackMessage(notificationGroup(undefined, { url: null }));
    expect(message.blocks.at(-1)).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "Switchyard alert group service:orders-db" }] });
  });
});
