import http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LEASE_STREAM_PATH } from "@/contracts/lease-stream";
import { STREAM_RETRY_MS } from "@/core/ingest/stream-fallback";
import { closeAbruptly, listenLocally } from "../../test/support/local-server";
import { createHttpClient, HttpTimeoutError } from "../http-post";
import { LEASE_PATH } from "./lease-request";
import { createLeaseStreamClient } from "./lease-stream-client";

/** A control plane speaking the lease stream protocol (or refusing it): answers each renewal with its number and how it came. */
class LeaseControlPlane {
  streams = 0;
  /** Streams whose connection is gone, and streams the agent ended itself (between renewals). */
  closedStreams = 0;
  endedStreams = 0;
  readonly received: { via: "stream" | "post"; n: number }[] = [];
  serveStreams = true;
  /** Read renewals on the stream without ever acknowledging them. */
  silent = false;
  /** Cut the stream's connection after reading this many more renewals, unanswered. */
  cutAfter = Number.POSITIVE_INFINITY;
  private readonly server = http.createServer((request, response) => {
    if (request.url === LEASE_STREAM_PATH) {
      if (!this.serveStreams) return void response.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no such route"}}');
      this.streams += 1;
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      response.flushHeaders();
      request.socket.once("close", () => (this.closedStreams += 1));
      let buffered = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
          const { n } = JSON.parse(buffered.slice(0, end)) as { n: number };
          buffered = buffered.slice(end + 1);
          this.received.push({ via: "stream", n });
          if (--this.cutAfter < 0) {
            this.cutAfter = Number.POSITIVE_INFINITY;
            return void request.socket.destroy();
          }
          if (!this.silent) response.write(`${JSON.stringify({ status: 200, answer: { n, via: "stream" } })}\n`);
        }
      });
      request.on("end", () => {
        this.endedStreams += 1;
        response.end();
      });
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const { n } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { n: number };
      this.received.push({ via: "post", n });
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ n, via: "post" }));
    });
  });

  start(): Promise<string> {
    return listenLocally(this.server);
  }

  stop(): Promise<void> {
    return closeAbruptly(this.server);
  }
}

let controlPlane: LeaseControlPlane;
let leaseUrl: URL;
let clock = 0;

beforeEach(async () => {
  controlPlane = new LeaseControlPlane();
  leaseUrl = new URL(`${(await controlPlane.start()).replace(/\/$/, "")}${LEASE_PATH}`);
  clock = 1_000_000;
});

afterEach(() => controlPlane.stop());

function client(rules: string[] = []) {
  return createLeaseStreamClient(createHttpClient(), { now: () => clock, lifetimeMs: 60_000, intervalMs: 1_000, random: () => 0, onRule: (rule) => rules.push(rule.id) });
}

const auth = { authorization: "Bearer sya_test" };

/** Lets a stream opened in the background be answered (or a closed one be seen closed). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

async function renew(lease: ReturnType<typeof client>, n: number, timeoutMs = 2_000): Promise<{ n: number; via: string }> {
  return JSON.parse((await lease.post(leaseUrl, JSON.stringify({ n }), auth, timeoutMs)).body) as { n: number; via: string };
}

describe("the lease stream client", () => {
  it("sends the first renewal by POST at once while the stream opens, and the next ones on that one stream", async () => {
    const lease = client();
    expect(await renew(lease, 1)).toEqual({ n: 1, via: "post" });
    await settle();
    for (const n of [2, 3, 4]) expect(await renew(lease, n)).toEqual({ n, via: "stream" });
    lease.close();
    expect(controlPlane.streams).toBe(1);
    expect(controlPlane.received.map((entry) => entry.via)).toEqual(["post", "stream", "stream", "stream"]);
  });

  it("posts its renewals for a while when the control plane answers the opening 404", async () => {
    const rules: string[] = [];
    const lease = client(rules);
    controlPlane.serveStreams = false;
    await renew(lease, 1);
    await settle();
    expect(rules).toEqual(["lease-stream-not-served"]);
    controlPlane.serveStreams = true;
    for (const n of [2, 3]) expect(await renew(lease, n)).toEqual({ n, via: "post" });
    await settle();
    expect(controlPlane.streams).toBe(0);
    clock += STREAM_RETRY_MS;
    await renew(lease, 4);
    await settle();
    expect(await renew(lease, 5)).toEqual({ n: 5, via: "stream" });
    lease.close();
  });

  it("sends a renewal whose stream broke by POST at once", async () => {
    const rules: string[] = [];
    const lease = client(rules);
    await renew(lease, 1);
    await settle();
    controlPlane.cutAfter = 0;
    expect(await renew(lease, 2)).toEqual({ n: 2, via: "post" });
    expect(rules).toEqual(["lease-stream-broke"]);
    expect(controlPlane.received).toEqual([
      { via: "post", n: 1 },
      { via: "stream", n: 2 },
      { via: "post", n: 2 },
    ]);
    // The next opening backs off (within one interval, here at once): the renewal after goes by POST while it opens, the one after on the new stream.
    expect(await renew(lease, 3)).toEqual({ n: 3, via: "post" });
    await settle();
    expect(await renew(lease, 4)).toEqual({ n: 4, via: "stream" });
    expect(controlPlane.streams).toBe(2);
    lease.close();
  });

  it("fails a renewal the stream leaves unanswered as a timed-out request, and closes that stream", async () => {
    const rules: string[] = [];
    const lease = client(rules);
    await renew(lease, 1);
    await settle();
    controlPlane.silent = true;
    await expect(renew(lease, 2, 200)).rejects.toBeInstanceOf(HttpTimeoutError);
    await settle();
    expect(rules).toEqual(["lease-stream-silent"]);
    expect(controlPlane.closedStreams).toBe(1);
    controlPlane.silent = false;
    // No late acknowledgement can be taken for a later renewal: it goes by POST, on no stream.
    expect(await renew(lease, 3)).toEqual({ n: 3, via: "post" });
    lease.close();
  });

  it("replaces a stream that lived its time between two renewals, never under one", async () => {
    const lease = client();
    await renew(lease, 1);
    await settle();
    expect(await renew(lease, 2)).toEqual({ n: 2, via: "stream" });
    clock += 60_000;
    expect(await renew(lease, 3)).toEqual({ n: 3, via: "stream" });
    await settle();
    expect(controlPlane.endedStreams).toBe(1);
    expect(controlPlane.streams).toBe(2);
    expect(await renew(lease, 4)).toEqual({ n: 4, via: "stream" });
    expect(controlPlane.received.map((entry) => entry.via)).toEqual(["post", "stream", "stream", "stream"]);
    lease.close();
  });

  it("follows the copy its renewals are sent to: a renewal to another copy ends the old stream and opens one there", async () => {
    const other = new LeaseControlPlane();
    const otherUrl = new URL(`${(await other.start()).replace(/\/$/, "")}${LEASE_PATH}`);
    try {
      const lease = client();
      await renew(lease, 1);
      await settle();
      expect(await renew(lease, 2)).toEqual({ n: 2, via: "stream" });
      const moved = async (n: number) => JSON.parse((await lease.post(otherUrl, JSON.stringify({ n }), auth, 2_000)).body) as { n: number; via: string };
      expect(await moved(3)).toEqual({ n: 3, via: "post" });
      await settle();
      expect(await moved(4)).toEqual({ n: 4, via: "stream" });
      expect([controlPlane.endedStreams, other.streams]).toEqual([1, 1]);
      lease.close();
    } finally {
      await other.stop();
    }
  });

  it("closes its stream when closed", async () => {
    const lease = client();
    await renew(lease, 1);
    await settle();
    lease.close();
    await settle();
    expect(controlPlane.closedStreams).toBe(1);
  });
});
