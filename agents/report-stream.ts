import { REPORT_STREAM_LIFETIME_MS, REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { STREAM_RETRY_MS, streamRule, type StreamOutcome, type StreamRule } from "@/core/ingest/stream-fallback";
import { openingDelayMs, streamLifetimeMs, type OpeningCause } from "@/core/ingest/stream-opening";
import { HttpAbandonedError, HttpTimeoutError, type HttpAnswer, type HttpClient } from "./http-post";
import { describeSent, OpenStream, streamRoutes, type Sent } from "./open-stream";

/** The batch POST's path; a POST to it is what the stream carries instead. */
const REPORTS_PATH = REPORT_STREAM_PATH.slice(0, REPORT_STREAM_PATH.lastIndexOf("/"));

/** What an agent's openings are spread over when its caller does not say its report interval: the default interval (agents/config.ts). */
const DEFAULT_INTERVAL_MS = 1_000;

function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new HttpAbandonedError("the request was abandoned"));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface ReportStreamOptions {
  now?: () => number;
  lifetimeMs?: number;
  /** The agent's report interval: openings are spread over it (core/ingest/stream-opening.ts). */
  intervalMs?: number;
  random?: () => number;
  /** Waits until an opening is due; rejects when the batch is abandoned meanwhile. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told of every rule that was not a plain acknowledgement, with what it was about. */
  onRule?: (rule: StreamRule, detail: string) => void;
}

/**
 * An HTTP client whose batch POSTs to the reports path travel on a report
 * stream (contracts/agent-report-stream.ts) instead of one request each, and
 * go by `inner`'s POST when the stream cannot carry them
 * (core/ingest/stream-fallback.ts). Everything else goes to `inner` as it is.
 * Answers look the same either way, so the delivery's rules decide what the
 * queue drops.
 */
export function createReportStreamClient(inner: HttpClient, options: ReportStreamOptions = {}): HttpClient {
  const now = options.now ?? Date.now;
  const lifetimeMs = options.lifetimeMs ?? REPORT_STREAM_LIFETIME_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const random = options.random ?? Math.random;
  const wait = options.wait ?? waitFor;
  const routeOf = streamRoutes(REPORTS_PATH, REPORT_STREAM_PATH);
  let stream: OpenStream | null = null;
  let streamLifetime = lifetimeMs;
  let postUntil = 0;
  let unansweredInARow = 0;
  let failuresInARow = 0;
  /** When the next stream may open: decided when the cause is met (the first batch, a failure, a stream's end). */
  let openingDueAt: number | null = null;
  const scheduleOpening = (cause: OpeningCause) => {
    openingDueAt = now() + openingDelayMs(cause, intervalMs, random);
  };

  const decide = (outcome: StreamOutcome, detail: string): StreamRule => {
    const rule = streamRule(outcome);
    if (rule.id !== "acknowledged") options.onRule?.(rule, detail);
    return rule;
  };

  async function viaStream(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer> {
    const { target, key } = routeOf(url, headers.authorization ?? "");
    if (stream && (!stream.open || stream.key !== key || (stream.idle && now() - stream.openedAt >= streamLifetime))) {
      // A stream the copy closed between batches (it restarted, or shed it) is a failure like one that broke under a batch.
      if (!stream.open) failuresInARow += 1;
      scheduleOpening(!stream.open ? { kind: "failed", inARow: failuresInARow } : stream.key === key ? { kind: "replaced" } : { kind: "first" });
      stream.end();
      stream = null;
    }
    let sent: Sent;
    if (stream) {
      sent = await stream.send(body, timeoutMs, signal);
    } else {
      if (openingDueAt === null) scheduleOpening({ kind: "first" });
      const due = openingDueAt! - now();
      if (due > 0) await wait(due, signal);
      openingDueAt = null;
      const opened = await OpenStream.open(target, headers, timeoutMs, now());
      if (opened instanceof OpenStream) {
        stream = opened;
        streamLifetime = streamLifetimeMs(lifetimeMs, random);
        sent = await opened.send(body, timeoutMs, signal);
      } else sent = opened;
    }
    unansweredInARow = sent.kind === "unanswered" ? unansweredInARow + 1 : sent.kind === "broke" ? unansweredInARow : 0;
    failuresInARow = sent.kind === "ack" ? 0 : failuresInARow + 1;
    if (sent.kind === "ack") return sent.answer;
    const outcome: StreamOutcome =
      sent.kind === "refused"
        ? { kind: "refused", status: sent.answer.status, ...(sent.retryAfterMs === undefined ? {} : { retryAfterMs: sent.retryAfterMs }) }
        : sent.kind === "unanswered"
          ? { kind: "unanswered", inARow: unansweredInARow }
          : sent;
    const rule = decide(outcome, describeSent(sent, timeoutMs));
    scheduleOpening(rule.id === "opening-shed" && sent.kind === "refused" ? { kind: "shed", retryAfterMs: sent.retryAfterMs! } : { kind: "failed", inARow: failuresInARow });
    if (rule.action === "answer" && sent.kind === "refused") return sent.answer;
    if (rule.action === "time-out") {
      stream?.close();
      stream = null;
      throw new HttpTimeoutError(`no acknowledgement on the report stream within ${timeoutMs} ms`);
    }
    if (rule.action === "post-for-a-while") postUntil = now() + STREAM_RETRY_MS;
    stream?.close();
    stream = null;
    return inner.post(url, body, headers, timeoutMs, signal);
  }

  return {
    post(url, body, headers, timeoutMs, signal) {
      if (!url.pathname.endsWith(REPORTS_PATH) || now() < postUntil) return inner.post(url, body, headers, timeoutMs, signal);
      return viaStream(url, body, headers, timeoutMs, signal);
    },
    get: (url, headers, timeoutMs, signal) => inner.get(url, headers, timeoutMs, signal),
    close() {
      stream?.close();
      stream = null;
      inner.close();
    },
  };
}
