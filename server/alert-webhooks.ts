import "server-only";

/**
 * Where alert notifications go: `SWITCHYARD_ALERT_WEBHOOKS`, a comma- or
 * space-separated list of http(s) URLs. Read on each use, so tests and
 * operators can change it without a restart of the evaluation loop's code.
 */
export function alertWebhookUrls(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const urls = (env.SWITCHYARD_ALERT_WEBHOOKS ?? "").split(/[\s,]+/).filter(Boolean);
  for (const url of urls) {
    const protocol = URL.canParse(url) ? new URL(url).protocol : null;
    if (protocol !== "http:" && protocol !== "https:") throw new Error(`SWITCHYARD_ALERT_WEBHOOKS: ${url} is not an http(s) URL`);
  }
  return urls;
}
