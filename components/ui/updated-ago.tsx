"use client";

import { useNow } from "./use-now";

/**
 * "updated 3 s ago" from a query's dataUpdatedAt, ticking every second, so a
 * page that silently stopped refreshing shows it. Past `staleAfterSeconds`
 * the text turns into a warning.
 */
export function UpdatedAgo({ at, staleAfterSeconds = 10 }: { at: number; staleAfterSeconds?: number }) {
  const now = useNow(1000, at);
  if (!at) return <span className="muted">not loaded yet</span>;
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  const text = seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 3600)} h`;
  const stale = seconds > staleAfterSeconds;
  return (
    <span className={stale ? "badge badge-warn" : "muted"} role="status" aria-live="off" data-testid="updated-ago">
      {stale ? `not updated for ${text}` : `updated ${text} ago`}
    </span>
  );
}
