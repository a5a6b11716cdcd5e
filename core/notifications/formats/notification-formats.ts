import type { NotificationGroup } from "../notification-group";
import { alertmanagerWebhook } from "./alertmanager";
import { pagerDutyEvent, type PagerDutyAction } from "./pagerduty";
import { slackMessage } from "./slack";
import { switchyardNotification } from "./switchyard";

export const NOTIFICATION_FORMAT_IDS = ["switchyard", "alertmanager", "slack", "pagerduty"] as const;
export type NotificationFormatId = (typeof NOTIFICATION_FORMAT_IDS)[number];

/** The formats a webhook or a person's paging contact may ask for, one sentence each (shown in the console and the README). */
export const NOTIFICATION_FORMATS: readonly { id: NotificationFormatId; sentence: string }[] = [
  { id: "switchyard", sentence: "Switchyard's own JSON (text, status, alert, alerts): what a plain webhook URL receives." },
  { id: "alertmanager", sentence: "Prometheus Alertmanager's webhook JSON, version 4, for anything that already receives Alertmanager's webhooks." },
  { id: "slack", sentence: "A Slack-compatible incoming-webhook message: text plus blocks (Mattermost and Rocket.Chat show the text)." },
  { id: "pagerduty", sentence: "A PagerDuty Events API v2 event (trigger, acknowledge, resolve) with the integration's routing key, deduplicated by the group's key." },
];

/** Where a notification goes and how it is written. */
export interface WebhookTarget {
  format: NotificationFormatId;
  url: string;
  /** PagerDuty's integration key; set exactly for the pagerduty format. */
  routingKey: string | null;
}

export interface EncodeOptions {
  /** The control plane's own address, when it knows it. */
  externalUrl: string | null;
  /** Who receives it (Alertmanager's `receiver`). */
  receiver: string;
  /** For PagerDuty: unset follows the group's status. */
  pagerDutyAction?: PagerDutyAction;
}

/** The JSON body `target` receives for `group`. */
export function encodeNotification(group: NotificationGroup, target: WebhookTarget, options: EncodeOptions): unknown {
  switch (target.format) {
    case "switchyard":
      return switchyardNotification(group);
    case "alertmanager":
      return alertmanagerWebhook(group, { receiver: options.receiver, externalUrl: options.externalUrl });
    case "slack":
      return slackMessage(group);
    case "pagerduty":
      return pagerDutyEvent(group, { routingKey: target.routingKey ?? "", action: options.pagerDutyAction });
  }
}

/** PagerDuty's Events v2 endpoint, when a target names only a routing key. */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/**
 * Reads one webhook entry: a plain http(s) URL (Switchyard's JSON), or
 * `<format>=<url>`; PagerDuty's routing key is the URL's fragment
 * (`pagerduty=https://events.pagerduty.com/v2/enqueue#<key>`), never sent
 * as part of the address, or the whole entry (`pagerduty=<key>`) for
 * PagerDuty's own endpoint. Answers the target, or why it is not one.
 */
export function parseWebhookTarget(entry: string): WebhookTarget | string {
  const match = /^([a-z]+)=(.*)$/.exec(entry);
  const format = match?.[1] ?? "switchyard";
  const rest = match?.[2] ?? entry;
  if (!(NOTIFICATION_FORMAT_IDS as readonly string[]).includes(format)) return `${entry} names the format "${format}"; formats are ${NOTIFICATION_FORMAT_IDS.join(", ")}`;
  if (format === "pagerduty" && /^[A-Za-z0-9]+$/.test(rest)) return { format, url: PAGERDUTY_EVENTS_URL, routingKey: rest };
  const url = URL.canParse(rest) ? new URL(rest) : null;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return match ? `${entry}: ${rest} is not an http(s) URL` : `${entry} is not an http(s) URL`;
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ""));
  if (format !== "pagerduty") return { format: format as NotificationFormatId, url: rest, routingKey: null };
  if (!fragment) return `${entry}: a pagerduty webhook needs its routing key after # (pagerduty=https://events.pagerduty.com/v2/enqueue#<routing key>)`;
  url.hash = "";
  return { format, url: url.toString(), routingKey: fragment };
}
