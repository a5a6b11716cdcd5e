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
  /** Cut the stream's connection after reading this many more batches, unanswered. */
  cutAfter = Number.POSITIVE_INFINITY;
  private readonly server = http.createServer((request, response) => {
    if (request.url === REPORT_STREAM_PATH) {
      if (!this.serveStreams) return void response.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no such route"}}');
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

function client(rules: string[] = []) {
  return createReportStreamClient(createHttpClient(), { now: () => clock, lifetimeMs: 60_000, onRule: (rule) => rules.push(rule.id) });
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

  it("leaves requests other than batch posts to the plain client", async () => {
    const reports = client();
    const other = new URL(reportsUrl.href.replace(REPORTS_PATH, "/api/v1/agents/lease"));
    await reports.post(other, batch(1), auth, 2000);
    reports.close();
    expect(controlPlane.streams).toBe(0);
    expect(controlPlane.received).toEqual([{ via: "post", lastSeq: 1 }]);
  });
});
