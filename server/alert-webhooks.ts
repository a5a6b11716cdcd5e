import "server-only";
import { parseWebhookTarget, type WebhookTarget } from "@/core/notifications/formats/notification-formats";

/**
 * Where alert notifications go: `SWITCHYARD_ALERT_WEBHOOKS`, a comma- or
 * space-separated list of entries, each a plain http(s) URL (Switchyard's
 * JSON) or `<format>=<url>` (`alertmanager=…`, `slack=…`,
 * `pagerduty=…#<routing key>`, see parseWebhookTarget). Read on each use, so
 * tests and operators can change it without a restart of the evaluation
 * loop's code; a malformed entry is refused naming it.
 */
export function alertWebhooks(env: Readonly<Record<string, string | undefined>> = process.env): WebhookTarget[] {
  return (env.SWITCHYARD_ALERT_WEBHOOKS ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const target = parseWebhookTarget(entry);
      if (typeof target === "string") throw new Error(`SWITCHYARD_ALERT_WEBHOOKS: ${target}`);
      return target;
    });
}
