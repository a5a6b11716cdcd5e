import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { agentReportBatchSchema, type AgentReportBatch } from "@/contracts/agent-reports";
import { simulatedReport } from "./adapters/simulated-adapter";
import { Delivery, REPORTS_PATH } from "./delivery";
import { createHttpClient } from "./http-post";
import { createReportStreamClient } from "./report-stream";
import { backoffDelayMs } from "./retry";
import { createLogger } from "./log";
import { AgentMetrics } from "./metrics";
import { ReportQueue } from "./report-queue";
import { closeAbruptly, listenLocally } from "../test/support/local-server";

interface Received {
  authorization: string | undefined;
  path: string | undefined;
  batch: AgentReportBatch;
}

type Answer = { status: number; body?: unknown };

/** A stand-in control plane: answers with `answer(batch, index)` and records every batch. */
class FakeControlPlane {
  readonly received: Received[] = [];
  answer: (batch: AgentReportBatch, index: number) => Answer = (batch) => stored(batch);
  private server = http.createServer((request, response) => {
    // A control plane without report streams: the delivery's batches go by POST.
    if (request.url === REPORT_STREAM_PATH) return void response.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no such route"}}');
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const batch = agentReportBatchSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      this.received.push({ authorization: request.headers.authorization, path: request.url, batch });
      const { status, body } = this.answer(batch, this.received.length - 1);
      response.writeHead(status, { "content-type": "application/json" }).end(body === undefined ? "" : JSON.stringify(body));
    });
  });

  start(): Promise<string> {
    return listenLocally(this.server);
  }

  stop(): Promise<void> {
    return closeAbruptly(this.server);
  }

  seqs(index: number): number[] {
    return this.received[index]!.batch.reports.map((report) => report.seq);
  }
}

function stored(batch: AgentReportBatch, clockSkewMs = 0): Answer {
  return {
    status: 200,
    body: { accepted: batch.reports.length, lastSeq: batch.reports.at(-1)!.seq, serverTime: new Date().toISOString(), clockSkewMs },
  };
}

let dir: string;
let controlPlane: FakeControlPlane;
let url: string;
let queue: ReportQueue;
let metrics: AgentMetrics;
let logLines: Record<string, unknown>[];
let clock: number;
let delivery: Delivery;

function makeDelivery(controlPlaneUrl = url): Delivery {
  const log = createLogger("agent-test", (line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
  // Its first stream opening drawn at once (core/ingest/stream-opening.ts): these tests are about the answers, not when streams open.
  const poster = createReportStreamClient(createHttpClient(), { random: () => 0 });
  return new Delivery({ controlPlaneUrl, token: "agent-token", agentVersion: "0.1.0-test", queue, metrics, log, now: () => clock, random: () => 0.5, requestTimeoutMs: 2000, poster });
}

function fill(count: number): void {
  for (let i = 0; i < count; i += 1) {
    const seq = queue.nextSeq();
    queue.append({ ...simulatedReport(1, seq, "standby"), seq });
  }
}

const waitingSeqs = () => queue.peek(10_000).map((report) => report.seq);

async function counter(metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> }, reason: string) {
  return (await metric.get()).values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-delivery-"));
  controlPlane = new FakeControlPlane();
  url = await controlPlane.start();
  queue = ReportQueue.open(dir, { maxBytes: 64 * 1024 * 1024 });
  metrics = new AgentMetrics({ processMetrics: false });
  logLines = [];
  clock = Date.parse("2026-11-26T04:00:00.000Z");
  delivery = makeDelivery();
});

afterEach(async () => {
  delivery.close();
  queue.close();
  await controlPlane.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Delivery", () => {
  it("posts the queue oldest first with the agent token, and forgets what the control plane stored", async () => {
    fill(3);
    await delivery.deliver();
    expect(controlPlane.received).toHaveLength(1);
    const [request] = controlPlane.received;
    expect(request!.authorization).toBe("Bearer agent-token");
    expect(request!.path).toBe(REPORTS_PATH);
    expect(request!.batch).toMatchObject({ agentVersion: "0.1.0-test", droppedReports: 0, sentAt: "2026-11-26T04:00:00.000Z" });
    expect(controlPlane.seqs(0)).toEqual([1, 2, 3]);
    expect(queue.depth).toBe(0);
    expect((await metrics.lastDelivery.get()).values[0]!.value).toBe(clock / 1000);
  });

  it("offers the agent's witness key with every batch, so the control plane can bind it", async () => {
    delivery.close();
    const witnessKey = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    const log = createLogger("agent-test", (line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
    delivery = new Delivery({ controlPlaneUrl: url, token: "agent-token", agentVersion: "0.1.0-test", witnessKey, queue, metrics, log, now: () => clock, requestTimeoutMs: 2000 });
    fill(2);
    await delivery.deliver();
    expect(controlPlane.received.map((request) => request.batch.witnessKey)).toEqual([witnessKey]);
  });

  it("hands what the control plane answered with each stored batch to whoever listens (the health endpoints), older control planes' answers included", async () => {
    delivery.close();
    const heard: unknown[] = [];
    const log = createLogger("agent-test", (line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
    delivery = new Delivery({ controlPlaneUrl: url, token: "agent-token", agentVersion: "0.1.0-test", queue, metrics, log, now: () => clock, requestTimeoutMs: 2000, onStored: (result) => heard.push(result.standby) });
    const standby = { syncState: "async", primaryReportAgeMs: 640 };
    controlPlane.answer = (batch, index) => (index === 0 ? stored(batch) : { status: 200, body: { ...(stored(batch).body as object), standby } });
    fill(1);
    await delivery.deliver();
    fill(1);
    await delivery.deliver();
    controlPlane.answer = () => ({ status: 409, body: { error: { code: "conflict", message: "seq 3 already stored" }, lastSeq: 3 } });
    fill(1);
    await delivery.deliver();
    expect(heard).toEqual([null, standby]);
  });

  it("sends a long queue in batches of at most 500", async () => {
    fill(1200);
    await delivery.deliver();
    expect(controlPlane.received.map((request) => request.batch.reports.length)).toEqual([500, 500, 200]);
    expect(controlPlane.seqs(2).at(-1)).toBe(1200);
    expect(queue.depth).toBe(0);
  });

  it("on 409 forgets what the control plane holds and resends the rest right away", async () => {
    fill(5);
    controlPlane.answer = (batch, index) =>
      index === 0 ? { status: 409, body: { error: { code: "conflict", message: "seq 1..3 already stored" }, lastSeq: 3 } } : stored(batch);
    await delivery.deliver();
    expect(controlPlane.received).toHaveLength(2);
    expect(controlPlane.seqs(1)).toEqual([4, 5]);
    expect(queue.depth).toBe(0);
    expect(await counter(metrics.deliveryFailures, "conflict")).toBe(1);
  });

  it("after an outage, follows a 409 (an answer lost when it began) with the rest at once, even when flushing", async () => {
    fill(3);
    controlPlane.answer = () => ({ status: 503 });
    await delivery.deliver();
    expect(delivery.nextAttemptAt).toBeGreaterThan(clock);

    // The control plane stored seq 1 just as it went down; the agent never heard.
    controlPlane.answer = (batch) =>
      batch.reports[0]!.seq <= 1 ? { status: 409, body: { error: { code: "conflict", message: "seq 1 already stored" }, lastSeq: 1 } } : stored(batch);
    await delivery.flush();
    expect(controlPlane.seqs(1)).toEqual([1, 2, 3]);
    expect(controlPlane.seqs(2)).toEqual([2, 3]);
    expect(queue.depth).toBe(0);
    expect(delivery.nextAttemptAt).toBe(0);
  });

  it("on 401 keeps the queue, logs, and backs off", async () => {
    fill(2);
    controlPlane.answer = () => ({ status: 401, body: { error: { code: "unauthenticated", message: "token revoked" } } });
    await delivery.deliver();
    expect(waitingSeqs()).toEqual([1, 2]);
    expect(delivery.nextAttemptAt).toBeGreaterThan(clock);
    expect(logLines.at(-1)).toMatchObject({ level: "error", event: "delivery.unauthorized", failure: "control_plane_unreachable" });
    expect(await counter(metrics.deliveryFailures, "unauthorized")).toBe(1);

    await delivery.deliver();
    expect(controlPlane.received).toHaveLength(1);
  });

  it("on 5xx keeps everything, backs off, and delivers once the backoff has passed", async () => {
    fill(2);
    controlPlane.answer = () => ({ status: 503 });
    await delivery.deliver();
    expect(queue.depth).toBe(2);
    expect(logLines.at(-1)).toMatchObject({ event: "delivery.unreachable", failure: "control_plane_unreachable" });
    const retryAt = delivery.nextAttemptAt;
    expect(retryAt - clock).toBe(backoffDelayMs(1, () => 0.5));

    fill(1);
    await delivery.deliver();
    expect(controlPlane.received).toHaveLength(1);

    clock = retryAt;
    controlPlane.answer = (batch) => stored(batch);
    await delivery.deliver();
    expect(controlPlane.seqs(1)).toEqual([1, 2, 3]);
    expect(queue.depth).toBe(0);
    expect(logLines.some((line) => line.event === "delivery.recovered")).toBe(true);
  });

  it("on a busy copy's 503 overloaded keeps everything and backs off, logged as a warning, not as an unreachable control plane", async () => {
    fill(2);
    controlPlane.answer = () => ({ status: 503, body: { error: { code: "overloaded", message: "This control-plane copy is 4 s behind storing reports" } } });
    await delivery.deliver();
    expect(queue.depth).toBe(2);
    expect(logLines.at(-1)).toMatchObject({ level: "warn", event: "delivery.deferred" });
    expect(logLines.at(-1)).not.toHaveProperty("failure");
    expect(String(logLines.at(-1)!.message)).toContain("4 s behind storing reports");
    expect(delivery.nextAttemptAt - clock).toBe(backoffDelayMs(1, () => 0.5));
    expect(await counter(metrics.deliveryFailures, "busy")).toBe(1);
    expect(await counter(metrics.deliveryFailures, "unreachable")).toBe(0);
  });

  it("treats no answer at all as an unreachable control plane", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    delivery.close();
    delivery = makeDelivery(`http://127.0.0.1:${port}`);
    fill(2);
    await delivery.deliver();
    expect(queue.depth).toBe(2);
    expect(logLines.at(-1)).toMatchObject({ event: "delivery.unreachable", failure: "control_plane_unreachable" });
    expect(String(logLines.at(-1)!.message)).toMatch(/ECONNREFUSED/);
    expect(await counter(metrics.deliveryFailures, "unreachable")).toBe(1);
  });

  it("on 413 halves the batch until the control plane accepts it", async () => {
    fill(4);
    controlPlane.answer = (batch) => (batch.reports.length > 2 ? { status: 413, body: { error: { code: "payload_too_large", message: "too large" } } } : stored(batch));
    await delivery.deliver();
    expect(controlPlane.received.map((request) => request.batch.reports.length)).toEqual([4, 2, 2]);
    expect(delivery.batchSize).toBe(2);
    expect(queue.depth).toBe(0);
    expect(logLines[0]).toMatchObject({ event: "delivery.too_large", failure: "bug" });
  });

  it("drops a single report the control plane finds too large, so it cannot block the queue", async () => {
    fill(1);
    controlPlane.answer = (batch) => (batch.reports[0]!.seq === 1 ? { status: 413 } : stored(batch));
    await delivery.deliver();
    fill(1);
    await delivery.deliver();
    expect(controlPlane.seqs(1)).toEqual([2]);
    expect(await counter(metrics.reportsDropped, "rejected")).toBe(1);
  });

  it("on 400 for one report logs the server's message as a bug, drops that report and counts it", async () => {
    fill(1);
    controlPlane.answer = () => ({ status: 400, body: { error: { code: "validation_failed", message: "reports.0.lag.bytes: too small", field: "reports.0.lag.bytes" } } });
    await delivery.deliver();
    expect(queue.depth).toBe(0);
    expect(logLines.at(-1)).toMatchObject({ event: "delivery.rejected", failure: "bug", seq: 1 });
    expect(String(logLines.at(-1)!.message)).toContain("reports.0.lag.bytes: too small");
    expect(await counter(metrics.reportsDropped, "rejected")).toBe(1);
    expect(await counter(metrics.deliveryFailures, "rejected")).toBe(1);
    expect(queue.nextSeq()).toBe(2);
  });

  it("on 400 for a batch of several, sends its reports one at a time, drops only the one refused alone, then goes back to whole batches", async () => {
    fill(3);
    controlPlane.answer = (batch) =>
      batch.reports.some((report) => report.seq === 2) ? { status: 400, body: { error: { code: "validation_failed", message: "reports.1.lag.bytes: too small" } } } : stored(batch);
    await delivery.deliver();
    // One invalid report per attempt at most: the drop ends this delivery.
    expect(waitingSeqs()).toEqual([3]);
    await delivery.deliver();
    fill(2);
    await delivery.deliver();
    expect(controlPlane.received.map((_, index) => controlPlane.seqs(index))).toEqual([[1, 2, 3], [1], [2], [3], [4, 5]]);
    expect(queue.depth).toBe(0);
    expect(logLines.filter((line) => line.event === "delivery.isolating")).toEqual([expect.objectContaining({ level: "warn", firstSeq: 1, lastSeq: 3 })]);
    expect(logLines.filter((line) => line.event === "delivery.rejected")).toEqual([expect.objectContaining({ failure: "bug", seq: 2 })]);
    expect(await counter(metrics.reportsDropped, "rejected")).toBe(1);
  });

  it("goes back to the batch size it had before a refused batch, halved by a 413 or not", async () => {
    fill(4);
    controlPlane.answer = (batch, index) => (index === 0 ? { status: 413 } : batch.reports.some((report) => report.seq === 1) && batch.reports.length > 1 ? { status: 400, body: {} } : stored(batch));
    await delivery.deliver();
    fill(4);
    await delivery.deliver();
    expect(controlPlane.received.map((_, index) => controlPlane.seqs(index))).toEqual([[1, 2, 3, 4], [1, 2], [1], [2], [3, 4], [5, 6], [7, 8]]);
    expect(delivery.batchSize).toBe(2);
  });

  it("on 200 naming refused reports, forgets the whole batch, logs each refused one by seq as a bug and counts it dropped", async () => {
    fill(3);
    controlPlane.answer = (batch) => {
      const answer = stored(batch);
      return { ...answer, body: { ...(answer.body as object), accepted: 2, refused: [{ seq: 2, message: "reports.1.lag.bytes: too small" }] } };
    };
    await delivery.deliver();
    expect(queue.depth).toBe(0);
    expect(logLines.filter((line) => line.event === "delivery.report_refused")).toEqual([expect.objectContaining({ failure: "bug", seq: 2 })]);
    expect(String(logLines.find((line) => line.event === "delivery.report_refused")!.message)).toContain("reports.1.lag.bytes: too small");
    expect(await counter(metrics.reportsDropped, "rejected")).toBe(1);
    expect(await counter(metrics.deliveryFailures, "rejected")).toBe(0);
  });

  it("reports how many the full queue dropped", async () => {
    queue.close();
    rmSync(dir, { recursive: true, force: true });
    queue = ReportQueue.open(dir, { maxBytes: 4000 });
    delivery.close();
    delivery = makeDelivery();
    fill(10);
    expect(queue.dropped).toBeGreaterThan(0);
    await delivery.deliver();
    expect(controlPlane.received[0]!.batch.droppedReports).toBe(queue.dropped);
  });

  it("logs a clock skew above one second", async () => {
    fill(1);
    controlPlane.answer = (batch) => stored(batch, 4200);
    await delivery.deliver();
    expect(logLines.find((line) => line.event === "clock.skew")).toMatchObject({ level: "warn", clockSkewMs: 4200 });
    expect((await metrics.clockSkew.get()).values[0]!.value).toBe(4.2);
  });
});
