import { REPORT_STREAM_LIFETIME_MS } from "@/contracts/agent-report-stream";
import { LEASE_STREAM_PATH } from "@/contracts/lease-stream";
import { leaseStreamRule } from "@/core/agents/lease-stream-rules";
import { STREAM_RETRY_MS, type StreamOutcome, type StreamRule } from "@/core/ingest/stream-fallback";
import { openingDelayMs, streamLifetimeMs } from "@/core/ingest/stream-opening";
import { HttpTimeoutError, type HttpAnswer, type HttpClient } from "../http-post";
import { describeSent, OpenStream, streamRoutes, type Sent } from "../open-stream";
import { LEASE_PATH } from "./lease-request";

/** What the openings' back-off is spread over when the caller does not say its renewal interval: the default interval (agents/config.ts). */
const DEFAULT_INTERVAL_MS = 1_000;

export interface LeaseStreamOptions {
  now?: () => number;
  /** How long one stream is kept (spread over its last quarter) before it is replaced between two renewals. */
  lifetimeMs?: number;
  /** The renewal interval: openings after failures back off over it (core/ingest/stream-opening.ts). */
  intervalMs?: number;
  random?: () => number;
  /** Told of every rule that was not a plain acknowledgement, with what it was about. */
  onRule?: (rule: StreamRule, detail: string) => void;
}

/**
 * An HTTP client whose lease renewals (POSTs to the lease path) travel on a
 * lease stream (contracts/lease-stream.ts) when one is open, and go by
 * `inner`'s POST otherwise (core/agents/lease-stream-rules.ts). A renewal
 * never waits for a stream: when none is open it goes by POST at once, and a
 * stream opens in the background for the next one. Its own connection, never
 * the report stream's. Answers look the same either way; everything else
 * goes to `inner` as it is.
 */
export function createLeaseStreamClient(inner: HttpClient, options: LeaseStreamOptions = {}): HttpClient {
  const now = options.now ?? Date.now;
  const lifetimeMs = options.lifetimeMs ?? REPORT_STREAM_LIFETIME_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const random = options.random ?? Math.random;
  let stream: OpenStream | null = null;
  let streamLifetime = lifetimeMs;
  let opening = false;
  let closed = false;
  let postUntil = 0;
  /** The first opening is due at once: the renewal that asks for it goes by POST meanwhile. */
  let openingDueAt = 0;
  let failuresInARow = 0;
  let unansweredInARow = 0;

  const failed = (outcome: StreamOutcome, detail: string): StreamRule => {
    const rule = leaseStreamRule(outcome);
    options.onRule?.(rule, detail);
    failuresInARow += 1;
    openingDueAt = now() + openingDelayMs({ kind: "failed", inARow: failuresInARow }, intervalMs, random);
    if (rule.action === "post-for-a-while") postUntil = now() + STREAM_RETRY_MS;
    return rule;
  };

  const drop = (ended: OpenStream, how: "end" | "close") => {
    if (how === "end") ended.end();
    else ended.close();
    if (stream === ended) stream = null;
  };

  /** Opens a stream for the renewals after this one, unless one is opening or the back-off says not yet. */
  function openInBackground(target: URL, headers: Record<string, string>, timeoutMs: number): void {
    if (opening || closed || now() < openingDueAt) return;
    opening = true;
    void OpenStream.open(target, headers, timeoutMs, now())
      .catch((error: unknown) => ({ kind: "broke" as const, error: error instanceof Error ? error : new Error(String(error)) }))
      .then((opened) => {
        opening = false;
        if (opened instanceof OpenStream) {
          if (closed) return opened.close();
          stream = opened;
          streamLifetime = streamLifetimeMs(lifetimeMs, random);
          unansweredInARow = 0;
          return;
        }
        unansweredInARow = opened.kind === "unanswered" ? unansweredInARow + 1 : 0;
        failed(opened.kind === "refused" ? { kind: "refused", status: opened.answer.status } : opened.kind === "unanswered" ? { kind: "unanswered", inARow: unansweredInARow } : { kind: "broke" }, describeSent(opened, timeoutMs));
      });
  }

  const routeOf = streamRoutes(LEASE_PATH, LEASE_STREAM_PATH);

  async function viaStream(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer> {
    const sentAt = now();
    const { target, key } = routeOf(url, headers.authorization ?? "");
    const current = stream;
    // A stream that lived its time is still used while open, and replaced after its renewal's acknowledgement (below).
    if (current && (!current.open || current.key !== key)) {
      // A stream the copy closed between renewals (it restarted, or refused the token) before its time is a failure like one that broke under a renewal.
      if (!current.open && sentAt - current.openedAt < streamLifetime) failed({ kind: "broke" }, "the control plane closed the lease stream between renewals");
      // A renewal for another copy (the agent moved) or token opens its stream at once.
      else openingDueAt = sentAt;
      drop(current, "end");
    }
    const open = stream;
    if (!open) {
      openInBackground(target, headers, timeoutMs);
      return inner.post(url, body, headers, timeoutMs, signal);
    }
    const sent = await open.send(body, timeoutMs, signal);
    if (sent.kind === "ack") {
      failuresInARow = 0;
      // Replaced between renewals, never under one: the next renewal finds the new stream open, or goes by POST while it opens.
      if (open.idle && now() - open.openedAt >= streamLifetime) {
        drop(open, "end");
        openingDueAt = now();
        openInBackground(target, headers, timeoutMs);
      }
      return sent.answer;
    }
    const rule = failed(sent.kind === "silent" ? { kind: "silent" } : { kind: "broke" }, describeSent(sent, timeoutMs));
    drop(open, "close");
    if (rule.action === "time-out") throw new HttpTimeoutError(`no acknowledgement on the lease stream within ${timeoutMs} ms`);
    // As a POST sent when the renewal was: within what is left of its time.
    const leftMs = timeoutMs - (now() - sentAt);
    if (leftMs <= 0) throw new HttpTimeoutError(`the lease stream broke and no time was left of ${timeoutMs} ms to post the renewal`);
    return inner.post(url, body, headers, leftMs, signal);
  }

  return {
    post(url, body, headers, timeoutMs, signal) {
      if (closed || !url.pathname.endsWith(LEASE_PATH) || now() < postUntil) return inner.post(url, body, headers, timeoutMs, signal);
      return viaStream(url, body, headers, timeoutMs, signal);
    },
    get: (url, headers, timeoutMs, signal) => inner.get(url, headers, timeoutMs, signal),
    close() {
      closed = true;
      stream?.close();
      stream = null;
      inner.close();
    },
  };
}
