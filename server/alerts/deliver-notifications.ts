import "server-only";
import { db } from "../db/client";

const BATCH = 20;
const TIMEOUT_MS = 5_000;
export const MAX_ATTEMPTS = 8;

/** 1 s, 2 s, 4 s … up to 5 min between attempts. */
export const backoffMs = (attempts: number) => Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));

/**
 * Posts due notifications, each to its webhook, retrying with backoff until
 * a 2xx or MAX_ATTEMPTS. At least once: a copy that loses the alerting lease
 * while a request is in flight may leave it to be sent again by the next.
 */
export async function deliverNotifications(now = new Date()): Promise<{ delivered: number; failed: number }> {
  const due = await db().alertNotification.findMany({
    where: { deliveredAt: null, failedAt: null, nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    take: BATCH,
  });
  let delivered = 0;
  let failed = 0;
  for (const notification of due) {
    const attempts = notification.attempts + 1;
    const problem = await post(notification.url, notification.payload);
    if (problem === null) {
      await db().alertNotification.update({ where: { id: notification.id }, data: { attempts, deliveredAt: new Date(), lastError: null } });
      delivered += 1;
    } else if (attempts >= MAX_ATTEMPTS) {
      await db().alertNotification.update({ where: { id: notification.id }, data: { attempts, failedAt: new Date(), lastError: problem } });
      failed += 1;
    } else {
      await db().alertNotification.update({
        where: { id: notification.id },
        data: { attempts, lastError: problem, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)) },
      });
    }
  }
  return { delivered, failed };
}

async function post(url: string, payload: unknown): Promise<string | null> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "switchyard-alerts" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
    await response.body?.cancel();
    return response.ok ? null : `the webhook answered ${response.status}`;
  } catch (error) {
    return (error as Error).message;
  }
}
