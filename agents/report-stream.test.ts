import http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { STREAM_RETRY_MS } from "@/core/ingest/stream-fallback";
import { closeAbruptly, listenLocally } from "../test/support/local-server";
import { REPORTS_PATH } from "./delivery";
import { createHttpClient } from "./http-post";
import { createReportStreamClient } from "./report-stream";

/** A control plane speaking the stream protocol (or refusing it): acknowledges each line with the batch's last seq, and records how each batch came. */
class StreamingControlPlane {
  streams = 0;
  readonly received: { via: "stream" | "post"; lastSeq: number }[] = [];
  serveStreams = true;
  /** Answer a stream's opening only once its request has ended, as a proxy buffering request bodies does: never, for a stream. */
  bufferStreams = false;
  /** Answer every stream's opening with this status instead of a stream (a copy that cannot open one now: 503). */
  refuseWith: number | null = null;
  /** Sent with a refused opening (a copy shedding openings: 503 with a Retry-After). */
  retryAfter: string | null = null;
  /** Cut the stream's connection after reading this many more batches, unanswered. */
  cutAfter = Number.POSITIVE_INFINITY;
  private readonly server = http.createServer((request, response) => {
    if (request.url === REPORT_STREAM_PATH) {
      if (!this.serveStreams) return void response.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no such route"}}');
      if (this.refuseWith !== null) {
        this.streams += 1;
        return void response
          .writeHead(this.refuseWith, { "content-type": "application/json", ...(this.retryAfter === null ? {} : { "retry-after": this.retryAfter }) })
          .end('{"error":{"code":"unavailable","message":"not now"}}');
      }
      if (this.bufferStreams) {
        this.streams += 1;
        return void request.on("end", () => response.writeHead(400).end()).resume();
      }
      this.streams += 1;
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      response.flushHeaders();
      let buffered = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
          const lastSeq = (JSON.parse(buffered.slice(0, end)) as { reports: { seq: number }[] }).reports.at(-1)!.seq;
          buffered = buffered.slice(end + 1);
          this.received.push({ via: "stream", lastSeq });
          if (--this.cutAfter < 0) {
            this.cutAfter = Number.POSITIVE_INFINITY;
            return void request.socket.destroy();
          }
          response.write(`${JSON.stringify({ status: 200, answer: { accepted: 1, lastSeq } })}\n`);
        }
      });
      request.on("end", () => response.end());
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const lastSeq = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { reports: { seq: number }[] }).reports.at(-1)!.seq;
      this.received.push({ via: "post", lastSeq });
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: 1, lastSeq }));
    });
  });

  start(): Promise<string> {
    return listenLocally(this.server);
  }

  stop(): Promise<void> {
    return closeAbruptly(this.server);
  }
}

const batch = (seq: number) => JSON.stringify({ reports: [{ seq }] });
let controlPlane: StreamingControlPlane;
let reportsUrl: URL;
let clock = 0;

beforeEach(async () => {
  controlPlane = new StreamingControlPlane();
  reportsUrl = new URL(`${(await controlPlane.start()).replace(/\/$/, "")}${REPORTS_PATH}`);
  clock = 1_000_000;
});

afterEach(() => controlPlane.stop());

/** Each wait for an opening, in ms: the test's clock moves on by it at once. */
let waits: number[] = [];

function client(rules: string[] = [], intervalMs = 1_000) {
  waits = [];
  return createReportStreamClient(createHttpClient(), {
    now: () => clock,
    lifetimeMs: 60_000,
    intervalMs,
    random: () => 0.5,
    wait: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    onRule: (rule) => rules.push(rule.id),
  });
}

const auth = { authorization: "Bearer sya_test" };

describe("the report stream client", () => {
  it("sends batch after batch on one stream and answers each with its acknowledgement", async () => {
    const reports = client();
    for (const seq of [1, 2, 3]) expect(JSON.parse((await reports.post(reportsUrl, batch(seq), auth, 2000)).body)).toMatchObject({ lastSeq: seq });
    reports.close();
    expect(controlPlane.streams).toBe(1);
    expect(controlPlane.received.map((entry) => entry.via)).toEqual(["stream", "stream", "stream"]);
  });

  it("opens the next stream between batches once a stream has lived its time", async () => {
    const reports = client();
    await reports.post(reportsUrl, batch(1), auth, 2000);
    clock += 60_000;
    await reports.post(reportsUrl, batch(2), auth, 2000);
    reports.close();
    expect(controlPlane.streams).toBe(2);
  });

  it("sends a batch whose stream broke by POST at once, and opens a new stream for the next", async () => {
    const rules: string[] = [];
    const reports = client(rules);
    await reports.post(reportsUrl, batch(1), auth, 2000);
    controlPlane.cutAfter = 0;
    expect((await reports.post(reportsUrl, batch(2), auth, 2000)).status).toBe(200);
    await reports.post(reportsUrl, batch(3), auth, 2000);
    reports.close();
    expect(rules).toEqual(["stream-broke"]);
    expect(controlPlane.received).toEqual([
      { via: "stream", lastSeq: 1 },
      { via: "stream", lastSeq: 2 },
      { via: "post", lastSeq: 2 },
      { via: "stream", lastSeq: 3 },
    ]);
    expect(controlPlane.streams).toBe(2);
  });

  it("posts to a control plane without streams, and tries a stream again after a while", async () => {
    controlPlane.serveStreams = false;
    const rules: string[] = [];
    const reports = client(rules);
    await reports.post(reportsUrl, batch(1), auth, 2000);
    await reports.post(reportsUrl, batch(2), auth, 2000);
    expect(rules).toEqual(["stream-not-served"]);
    controlPlane.serveStreams = true;
    clock += STREAM_RETRY_MS;
    await reports.post(reportsUrl, batch(3), auth, 2000);
    reports.close();
    expect(controlPlane.received).toEqual([
      { via: "post", lastSeq: 1 },
      { via: "post", lastSeq: 2 },
      { via: "stream", lastSeq: 3 },
    ]);
  });

  it("posts without waiting for an opening once two openings in a row went unanswered", async () => {
    controlPlane.bufferStreams = true;
    const rules: string[] = [];
    const reports = client(rules);
    await reports.post(reportsUrl, batch(1), auth, 200);
    await reports.post(reportsUrl, batch(2), auth, 200);
    expect(rules).toEqual(["opening-unanswered", "opening-unanswered-again"]);
    await reports.post(reportsUrl, batch(3), auth, 5000);
    reports.close();
    expect(rules).toHaveLength(2);
    expect(controlPlane.streams).toBe(2);
    expect(controlPlane.received).toEqual([
      { via: "post", lastSeq: 1 },
      { via: "post", lastSeq: 2 },
      { via: "post", lastSeq: 3 },
    ]);
  });

  it("opens its first stream at a random moment within its report interval, and keeps it", async () => {
    const reports = client([], 4_000);
    for (const seq of [1, 2, 3]) await reports.post(reportsUrl, batch(seq), auth, 2000);
    reports.close();
    expect(waits).toEqual([2_000]);
    expect(controlPlane.streams).toBe(1);
  });

  it("reopens after a refused opening only after a jittered wait that doubles with each failure in a row, and starts over once acknowledged", async () => {
    controlPlane.refuseWith = 503;
    const rules: string[] = [];
    const reports = client(rules);
    for (const seq of [1, 2, 3, 4]) await reports.post(reportsUrl, batch(seq), auth, 2000);
    controlPlane.refuseWith = null;
    for (const seq of [5, 6]) await reports.post(reportsUrl, batch(seq), auth, 2000);
    controlPlane.cutAfter = 0;
    for (const seq of [7, 8]) await reports.post(reportsUrl, batch(seq), auth, 2000);
    reports.close();
    // Half of each window (random 0.5): the first opening's interval, then 1, 2, 4 and 8 intervals (bounded) after 1–4 failures; after the cut, one interval again.
    expect(waits).toEqual([500, 500, 1_000, 2_000, 4_000, 500]);
    expect(rules).toEqual(["opening-failed", "opening-failed", "opening-failed", "opening-failed", "stream-broke"]);
    expect(controlPlane.received.map((entry) => `${entry.via} ${entry.lastSeq}`)).toEqual(["post 1", "post 2", "post 3", "post 4", "stream 5", "stream 6", "stream 7", "post 7", "stream 8"]);
  });

  it("answers a batch whose opening a busy copy shed with the copy's 503, posts nothing, and opens again only after the Retry-After, with jitter", async () => {
    controlPlane.refuseWith = 503;
    controlPlane.retryAfter = "4";
    const rules: string[] = [];
    const reports = client(rules);
    const shed = await reports.post(reportsUrl, batch(1), auth, 2000);
    expect(shed.status).toBe(503);
    controlPlane.refuseWith = null;
    const stored = await reports.post(reportsUrl, batch(1), auth, 2000);
    reports.close();
    expect(JSON.parse(stored.body)).toMatchObject({ lastSeq: 1 });
    // The first opening's half interval, then the Retry-After and half of it again (random 0.5).
    expect(waits).toEqual([500, 6_000]);
    expect(rules).toEqual(["opening-shed"]);
    expect(controlPlane.received.map((entry) => `${entry.via} ${entry.lastSeq}`)).toEqual(["stream 1"]);
  });

  it("backs off before reopening a stream the control plane closed between two batches", async () => {
    const reports = client();
    await reports.post(reportsUrl, batch(1), auth, 2000);
    await controlPlane.stop();
    controlPlane = new StreamingControlPlane();
    reportsUrl = new URL(`${(await controlPlane.start()).replace(/\/$/, "")}${REPORTS_PATH}`);
    await reports.post(reportsUrl, batch(2), auth, 2000);
    reports.close();
    expect(waits).toEqual([500, 500]);
  });

  it("leaves requests other than batch posts to the plain client", async () => {
    const reports = client();
    const other = new URL(reportsUrl.href.replace(REPORTS_PATH, "/api/v1/agents/lease"));
    await reports.post(other, batch(1), auth, 2000);
    reports.close();
    expect(controlPlane.streams).toBe(0);
    expect(controlPlane.received).toEqual([{ via: "post", lastSeq: 1 }]);
  });
});
