import type { NotificationGroup, NotifiedAlert } from "../notification-group";
import { leadAlert } from "./lead-alert";

/**
 * A Slack incoming-webhook message: `text` is the notification and the
 * fallback (Mattermost, Rocket.Chat and Discord's `/slack` endpoint show
 * it), `blocks` the layout Slack shows. Slack's limits are kept: a header's
 * text at most 150 characters, a section's 3000, at most 50 blocks.
 */
export interface SlackTextObject {
  type: "plain_text" | "mrkdwn";
  text: string;
}
export type SlackBlock =
  | { type: "header"; text: SlackTextObject }
  | { type: "section"; text: SlackTextObject }
  | { type: "context"; elements: SlackTextObject[] }
  | { type: "divider" };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export const SLACK_HEADER_MAX = 150;
export const SLACK_SECTION_MAX = 3000;
export const SLACK_MAX_BLOCKS = 50;
/** Header, divider and the closing context leave this many blocks for alerts (one more says how many were left out). */
const ALERT_BLOCKS = SLACK_MAX_BLOCKS - 4;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Slack's mrkdwn treats these three as markup; everything else is text. */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const groupName = (group: NotificationGroup) => group.serviceId ?? "accounts";

function alertSection(alert: NotifiedAlert): SlackBlock {
  const mark = alert.state === "resolved" ? "RESOLVED" : alert.severity.toUpperCase();
  const since = alert.state === "resolved" && alert.resolvedAt ? `resolved ${alert.resolvedAt.toISOString()}` : `since ${(alert.firedAt ?? alert.startedAt).toISOString()}`;
  const text = `*[${mark}] ${escapeMrkdwn(alert.title)}* — ${escapeMrkdwn(alert.subjectLabel)}\n${escapeMrkdwn(alert.sentence)}\n_${since}_`;
  return { type: "section", text: { type: "mrkdwn", text: clip(text, SLACK_SECTION_MAX) } };
}

export function slackMessage(group: NotificationGroup): SlackMessage {
  const firing = group.alerts.filter((alert) => alert.state === "firing").length;
  const first = leadAlert(group.alerts);
  const headline = `[${group.status.toUpperCase()}] ${groupName(group)}: ${group.alerts.length === 1 ? first.title : `${firing} firing of ${group.alerts.length} alerts`}`;
  const text = group.alerts.length === 1 ? `${headline} — ${first.sentence}` : headline;
  const shown = group.alerts.slice(0, ALERT_BLOCKS);
  const left = group.alerts.length - shown.length;
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(headline, SLACK_HEADER_MAX) } },
    ...shown.map(alertSection),
    ...(left > 0 ? [{ type: "section" as const, text: { type: "mrkdwn" as const, text: `…and ${left} more alert${left === 1 ? "" : "s"}` } }] : []),
    { type: "divider" },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: group.url ? `<${group.url}|Open in Switchyard>` : `Switchyard alert group ${escapeMrkdwn(group.key)}` }],
    },
  ];
  return { text, blocks };
}
