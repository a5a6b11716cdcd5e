import "server-only";
import { lockoutSentence, type Lockout } from "@/core/access/sign-in-limits";
import { alertWebhooks } from "../alert-webhooks";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/transaction";

/**
 * The JSON a webhook receives for a sign-in lockout: the alert payload's
 * shape (`text`, `status`, `alert`) with no service, and an id stable for the
 * key's window so paging bridges can deduplicate.
 */
export function lockoutPayload(lockout: Lockout, now: Date): Prisma.InputJsonObject {
  const sentence = lockoutSentence(lockout);
  const base = process.env.NEXTAUTH_URL?.replace(/\/$/, "");
  return {
    text: `[SECURITY] Sign-in lockout — ${sentence}`,
    status: "firing",
    alert: {
      id: `sign-in:${lockout.key}:${lockout.since.toISOString()}`,
      rule: lockout.limit.id,
      title: "Sign-in lockout",
      severity: "warning",
      service: null,
      subject: lockout.key,
      sentence,
      startedAt: lockout.since.toISOString(),
      firedAt: now.toISOString(),
      resolvedAt: null,
      policyVersion: null,
      url: base ? `${base}/audit?action=auth.lockout` : null,
    },
  };
}

/**
 * Queues a notification per lockout to every alert webhook, in the caller's
 * transaction (the one that audits the lockout); the alerting loop delivers
 * them with the alerts' retries.
 */
export async function queueLockoutNotifications(tx: Tx, lockouts: readonly Lockout[], now: Date): Promise<void> {
  // A lockout is a sentence, not an alert group: only receivers that show a `text` take it (Alertmanager and PagerDuty would refuse its shape).
  const urls = alertWebhooks()
    .filter((target) => target.format === "switchyard" || target.format === "slack")
    .map((target) => target.url);
  if (lockouts.length === 0 || urls.length === 0) return;
  await tx.alertNotification.createMany({
    data: lockouts.flatMap((lockout) => urls.map((url) => ({ alertId: null, event: "security", url, payload: lockoutPayload(lockout, now), nextAttemptAt: now }))),
  });
}
