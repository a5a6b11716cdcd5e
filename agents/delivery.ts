import { ingestConflictSchema, ingestResultSchema, MAX_REPORTS_PER_BATCH, type IngestResult } from "@/contracts/agent-reports";
import { errorMessage, truncate } from "./error-message";
import { createHttpClient, type HttpAnswer, type HttpPoster } from "./http-post";
import type { Logger } from "./log";
import type { AgentMetrics } from "./metrics";
import { parseJson } from "./parse-json";
import type { QueuedReport, ReportQueue } from "./report-queue";
import { createReportStreamClient } from "./report-stream";
import { backoffDelayMs, FailureStreak } from "./retry";

export const REPORTS_PATH = "/api/v1/agents/reports";

const SKEW_WARNING_MS = 1000;
const SKEW_LOG_EVERY_MS = 10 * 60_000;

export interface DeliveryOptions {
  controlPlaneUrl: string;
  token: string;
  agentVersion: string;
  /** The public key this agent signs its witness vouches with, offered with every batch so the control plane can bind it. */
  witnessKey?: string;
  queue: ReportQueue;
  metrics: AgentMetrics;
  log: Logger;
  poster?: HttpPoster;
  requestTimeoutMs?: number;
  random?: () => number;
  /** For durations: backoff, the skew log's pace. */
  now?: () => number;
  /** For sentAt, the time the control plane compares with its own (a lab may skew it); defaults to `now`. */
  wallClock?: () => Date;
  /** What the control plane answered with a stored batch: for the health endpoints, how the write replica counts this standby. */
  onStored?: (result: IngestResult) => void;
}

type Next = "continue" | "stop";

/**
 * Sends the queue to the control plane, oldest first, in batches. What the
 * control plane answers decides what happens to the queue:
 * 200 stored → forget the batch; 409 → forget what it already holds and
 * resend the rest now; 401/403 → keep everything and back off; 413 → halve
 * the batch; 400 → the batch is invalid and can never be stored: a batch of
 * several is sent again one report at a time, so that only the invalid ones
 * are dropped (and counted); 5xx or no answer → keep everything and back off.
 * The agent does not check its own reports against the contract before
 * queueing them: the control plane does, and a report it refuses costs no
 * other report on either transport.
 */
export class Delivery {
  private readonly url: URL;
  private readonly poster: HttpPoster;
  private readonly now: () => number;
  private readonly wallClock: () => Date;
  private readonly random: () => number;
  private running: Promise<void> | null = null;
  private readonly streak = new FailureStreak();
  private retryAt = 0;
  private size = MAX_REPORTS_PER_BATCH;
  /** While a refused batch is sent again report by report: its last seq, and the batch size to go back to after it. */
  private isolating: { throughSeq: number; size: number } | null = null;
  private skewLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: DeliveryOptions) {
    // Appended, not resolved: a control plane may live under a path prefix.
    this.url = new URL(`${options.controlPlaneUrl.replace(/\/+$/, "")}${REPORTS_PATH}`);
    // Batches travel on a report stream by default, and by POST when the control plane serves none.
    this.poster = options.poster ?? createReportStreamClient(createHttpClient());
    this.now = options.now ?? Date.now;
    this.wallClock = options.wallClock ?? (() => new Date(this.now()));
    this.random = options.random ?? Math.random;
  }

  get batchSize(): number {
    return this.size;
  }

  /** When the next attempt may happen after a failure (ms since the epoch; 0 = now). */
  get nextAttemptAt(): number {
    return this.retryAt;
  }

  /** Sends until the queue is empty, the control plane fails, or a backoff is running. Never throws. */
  deliver(): Promise<void> {
    this.running ??= this.drain(false).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** One last try at shutdown, backoff or not. */
  async flush(): Promise<void> {
    await this.running;
    await this.drain(true);
  }

  close(): void {
    this.poster.close();
  }

  private async drain(ignoreBackoff: boolean): Promise<void> {
    try {
      while (this.options.queue.depth > 0) {
        if (!ignoreBackoff && this.now() < this.retryAt) return;
        const batch = this.options.queue.peek(this.size);
        if (batch.length === 0) return;
        if ((await this.send(batch)) === "stop") return;
      }
    } catch (error) {
      this.options.log.error("bug", "delivery.failed", `delivery failed unexpectedly: ${errorMessage(error)}`, { stack: (error as Error).stack });
      this.backOff();
    } finally {
      this.recordQueue();
    }
  }

  private async send(batch: QueuedReport[]): Promise<Next> {
    const { queue, token, agentVersion, witnessKey } = this.options;
    const body =
      `{"sentAt":${JSON.stringify(this.wallClock().toISOString())},"agentVersion":${JSON.stringify(agentVersion)},` +
      (witnessKey ? `"witnessKey":${JSON.stringify(witnessKey)},` : "") +
      `"droppedReports":${queue.dropped},"reports":[${batch.map((report) => report.json).join(",")}]}`;
    let answer: HttpAnswer;
    try {
      answer = await this.poster.post(this.url, body, { authorization: `Bearer ${token}` }, this.options.requestTimeoutMs ?? 10_000);
    } catch (error) {
      return this.unreachable(`no answer from the control plane: ${errorMessage(error)}`, batch.length);
    }
    const { status } = answer;
    if (status === 200) return this.stored(batch, answer);
    if (status === 409) return this.conflict(batch, answer);
    if (status === 401 || status === 403) return this.unauthorized(status);
    if (status === 413) return this.tooLarge(batch);
    if (status === 400) return this.rejected(batch, answer);
    if (status === 503) {
      const error = controlPlaneError(answer.body);
      if (error.code === "overloaded") return this.busy(error.message, batch.length);
    }
    if (status >= 500 || status === 429) return this.unreachable(`the control plane answered ${status}`, batch.length);
    this.options.metrics.deliveryFailures.inc({ reason: "unexpected" });
    this.options.log.error("bug", "delivery.unexpected_status", `the control plane answered ${status}, which the agent does not expect; keeping the queue`, {
      status,
      answer: truncate(answer.body, 500),
    });
    this.backOff();
    return "stop";
  }

  private stored(batch: QueuedReport[], answer: HttpAnswer): Next {
    const { metrics, log } = this.options;
    this.forget(batch.at(-1)!.seq);
    metrics.lastDelivery.set(this.now() / 1000);
    this.answered();
    const result = ingestResultSchema.safeParse(parseJson(answer.body));
    if (!result.success) {
      log.error("bug", "delivery.invalid_answer", "the control plane stored the batch but its answer is not an IngestResult", { answer: truncate(answer.body, 500) });
      return "continue";
    }
    const refused = result.data.refused ?? [];
    if (refused.length > 0) {
      // Stored but for these: they can never be stored, and are dropped with the batch as a rejected batch's reports are.
      metrics.reportsDropped.inc({ reason: "rejected" }, refused.length);
      for (const report of refused) log.error("bug", "delivery.report_refused", `the control plane refused report ${report.seq} as invalid and stored the rest of its batch: ${report.message}`, { seq: report.seq });
    }
    this.recordSkew(result.data.clockSkewMs);
    this.options.onStored?.(result.data);
    return "continue";
  }

  private conflict(batch: QueuedReport[], answer: HttpAnswer): Next {
    const { metrics, log } = this.options;
    metrics.deliveryFailures.inc({ reason: "conflict" });
    this.answered();
    const parsed = ingestConflictSchema.safeParse(parseJson(answer.body));
    if (!parsed.success) {
      log.error("bug", "delivery.invalid_answer", "the control plane answered 409 without an IngestConflict", { answer: truncate(answer.body, 500) });
      this.backOff();
      return "stop";
    }
    const { lastSeq } = parsed.data;
    const forgotten = this.forget(lastSeq);
    log.warn("delivery.conflict", `the control plane already holds reports up to seq ${lastSeq}; forgot ${forgotten} and resending the rest`, {
      lastSeq,
      firstSeq: batch[0]!.seq,
    });
    if (forgotten > 0) return "continue";
    // Resending the same batch would get the same answer forever.
    log.error("bug", "delivery.conflict_unresolved", `409 names seq ${lastSeq}, below the batch's first seq ${batch[0]!.seq}`, { answer: truncate(answer.body, 500) });
    this.backOff();
    return "stop";
  }

  private unauthorized(status: number): Next {
    this.options.metrics.deliveryFailures.inc({ reason: "unauthorized" });
    const delay = this.backOff();
    this.options.log.error("control_plane_unreachable", "delivery.unauthorized", `the control plane refused the agent token (${status}); keeping the queue`, {
      status,
      queued: this.options.queue.depth,
      retryInMs: delay,
    });
    return "stop";
  }

  private tooLarge(batch: QueuedReport[]): Next {
    const { metrics, log } = this.options;
    metrics.deliveryFailures.inc({ reason: "rejected" });
    this.answered();
    if (batch.length > 1) {
      this.size = Math.max(1, Math.floor(batch.length / 2));
      log.error("bug", "delivery.too_large", `the control plane refused a batch of ${batch.length} reports as too large; sending ${this.size} at a time`);
      return "continue";
    }
    // A single report that is too large can never be stored, and would block every report behind it.
    this.forget(batch[0]!.seq);
    metrics.reportsDropped.inc({ reason: "rejected" });
    log.error("bug", "delivery.report_too_large", `the control plane refused report ${batch[0]!.seq} alone as too large; dropped it`, { seq: batch[0]!.seq });
    return "continue";
  }

  private rejected(batch: QueuedReport[], answer: HttpAnswer): Next {
    const { metrics, log } = this.options;
    this.answered();
    const { message } = controlPlaneError(answer.body);
    metrics.deliveryFailures.inc({ reason: "rejected" });
    const reason = message ?? truncate(answer.body, 500);
    if (batch.length > 1) {
      this.isolating = { throughSeq: batch.at(-1)!.seq, size: this.isolating?.size ?? this.size };
      this.size = 1;
      log.warn("delivery.isolating", `the control plane rejected a batch of ${batch.length} reports as invalid (${reason}); sending them one at a time so that only the invalid ones are dropped`, {
        firstSeq: batch[0]!.seq,
        lastSeq: batch.at(-1)!.seq,
      });
      return "continue";
    }
    this.forget(batch[0]!.seq);
    metrics.reportsDropped.inc({ reason: "rejected" });
    log.error("bug", "delivery.rejected", `the control plane rejected report ${batch[0]!.seq} as invalid: ${reason}; dropped it`, { seq: batch[0]!.seq });
    // One invalid report per attempt at most: a systematic bug must not empty the queue at once.
    return "stop";
  }

  /** Forgets the queue through `seq`, and goes back to whole batches once a refused batch's last report is behind. */
  private forget(seq: number): number {
    const forgotten = this.options.queue.ack(seq);
    if (!this.isolating || seq < this.isolating.throughSeq) return forgotten;
    this.size = this.isolating.size;
    this.isolating = null;
    return forgotten;
  }

  /**
   * A copy behind on storing reports refused this stream's opening: it is up
   * and said so, which is not an outage to page anyone about. The reports
   * stay queued and the same backoff applies (the stream keeps its own
   * Retry-After for its next opening).
   */
  private busy(message: string | null, batchLength: number): Next {
    this.options.metrics.deliveryFailures.inc({ reason: "busy" });
    const delay = this.backOff();
    this.options.log.warn("delivery.deferred", `the control plane is busy: ${message ?? "503 overloaded"}; keeping ${this.options.queue.depth} reports`, {
      batch: batchLength,
      retryInMs: delay,
    });
    return "stop";
  }

  private unreachable(reason: string, batchLength: number): Next {
    this.options.metrics.deliveryFailures.inc({ reason: "unreachable" });
    const delay = this.backOff();
    this.options.log.error("control_plane_unreachable", "delivery.unreachable", `${reason}; keeping ${this.options.queue.depth} reports`, {
      batch: batchLength,
      retryInMs: delay,
    });
    return "stop";
  }

  /**
   * The control plane answered about the batch itself (stored, conflict, too
   * large, invalid): it is up, so an earlier backoff no longer applies. A 409
   * after a lost answer is the usual first reply after an outage, and the
   * rest of the queue must follow at once.
   */
  private answered(): void {
    const failed = this.streak.end();
    if (failed > 0) this.options.log.info("delivery.recovered", `the control plane answers again after ${failed} failed attempts`);
    this.retryAt = 0;
  }

  private backOff(): number {
    const delay = backoffDelayMs(this.streak.add(), this.random);
    this.retryAt = this.now() + delay;
    return delay;
  }

  private recordSkew(skewMs: number): void {
    this.options.metrics.clockSkew.set(skewMs / 1000);
    if (Math.abs(skewMs) <= SKEW_WARNING_MS || this.now() - this.skewLoggedAt < SKEW_LOG_EVERY_MS) return;
    this.skewLoggedAt = this.now();
    this.options.log.warn("clock.skew", `the agent's clock is ${skewMs} ms ${skewMs > 0 ? "ahead of" : "behind"} the control plane's`, { clockSkewMs: skewMs });
  }

  private recordQueue(): void {
    this.options.metrics.queueDepth.set(this.options.queue.depth);
    this.options.metrics.queueBytes.set(this.options.queue.bytes);
  }
}

/** The code and message of a control plane's JSON error answer; null where the body does not carry them. */
function controlPlaneError(body: string): { code: string | null; message: string | null } {
  const error = (parseJson(body) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return { code: typeof error?.code === "string" ? error.code : null, message: typeof error?.message === "string" ? error.message : null };
}
