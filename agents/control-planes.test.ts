import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentReportBatchSchema } from "@/contracts/agent-reports";
import { simulatedReport } from "./adapters/simulated-adapter";
import { choosingHttpClient, ControlPlaneChoice } from "./control-planes";
import { Delivery } from "./delivery";
import { createHttpClient, type HttpClient } from "./http-post";
import { createLogger } from "./log";
import { AgentMetrics } from "./metrics";
import { ReportQueue } from "./report-queue";
import { closeAbruptly, listenLocally } from "../test/support/local-server";

/** The store every copy shares: each report is stored once, whichever copy took it (409 for a batch already stored). */
class SharedStore {
  lastSeq = 0;
  stored: { seq: number; copy: string }[] = [];
}

/** A control-plane copy: answers reports from the shared store, or `status` while it is broken. */
class Copy {
  status: number | null = null;
  readonly paths: string[] = [];
  url = "";
  private readonly server: http.Server;

  constructor(
    readonly name: string,
    store: SharedStore,
  ) {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        this.paths.push(`${request.method} ${request.url}`);
        if (this.status !== null) return void response.writeHead(this.status).end();
        if (request.url !== "/api/v1/agents/reports") return void response.writeHead(200, { "content-type": "application/json" }).end(`{"copy":"${name}"}`);
        const batch = agentReportBatchSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        const seqs = batch.reports.map((report) => report.seq);
        if (seqs[0]! <= store.lastSeq) return void response.writeHead(409, { "content-type": "application/json" }).end(JSON.stringify({ lastSeq: store.lastSeq, error: { code: "conflict", message: "stored" } }));
        for (const seq of seqs) store.stored.push({ seq, copy: name });
        store.lastSeq = seqs.at(-1)!;
        response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ accepted: seqs.length, lastSeq: store.lastSeq, serverTime: new Date().toISOString(), clockSkewMs: 0 }));
      });
    });
  }

  async start(): Promise<string> {
    this.url = await listenLocally(this.server);
    return this.url;
  }

  stop(): Promise<void> {
    return closeAbruptly(this.server);
  }
}

let store: SharedStore;
let copies: Copy[];
let moves: string[];
let clients: HttpClient[];

/** A URL nothing listens on: a copy that is gone. */
async function goneUrl(): Promise<string> {
  const server = http.createServer();
  const url = await listenLocally(server);
  await closeAbruptly(server);
  return url;
}

function chooser(urls: string[], options: { idempotent?: boolean } = {}) {
  const choice = new ControlPlaneChoice(urls, ({ from, to, rule }) => moves.push(`${from} → ${to} (${rule})`));
  const client = choosingHttpClient(choice, createHttpClient(), options);
  clients.push(client);
  return { choice, client };
}

beforeEach(async () => {
  store = new SharedStore();
  copies = [new Copy("a", store), new Copy("b", store), new Copy("c", store)];
  for (const copy of copies) await copy.start();
  moves = [];
  clients = [];
});

afterEach(async () => {
  for (const client of clients) client.close();
  for (const copy of copies) await copy.stop().catch(() => undefined);
});

describe("a client of several control-plane copies", () => {
  it("sends to the first copy while it answers, 4xx included", async () => {
    const { client } = chooser(copies.map((copy) => copy.url));
    copies[0]!.status = 404;
    expect((await client.get(new URL(`${copies[0]!.url}/api/v1/agents/config`), {}, 2000)).status).toBe(404);
    expect(moves).toEqual([]);
    expect(copies[1]!.paths).toEqual([]);
  });

  it("moves on from a copy answering 5xx and sends the request again there; later requests go straight to it", async () => {
    const [a, b] = copies as [Copy, Copy, Copy];
    const { client, choice } = chooser(copies.map((copy) => copy.url));
    a.status = 503;
    const answer = await client.get(new URL(`${a.url}/api/v1/agents/config`), {}, 2000);
    expect(answer).toMatchObject({ status: 200, body: '{"copy":"b"}' });
    expect(moves).toEqual([`${a.url} → ${b.url} (move-on-server-error)`]);
    await client.get(new URL(`${a.url}/api/v1/agents/config`), {}, 2000);
    expect(a.paths).toHaveLength(1);
    expect(b.paths).toEqual(["GET /api/v1/agents/config", "GET /api/v1/agents/config"]);
    expect(choice.current).toBe(1);
  });

  it("moves past a copy that refuses connections, even with a change, which it surely never received", async () => {
    const gone = await goneUrl();
    const { client } = chooser([gone, copies[1]!.url], { idempotent: false });
    const answer = await client.post(new URL(`${gone}/api/v1/agents/enroll`), "{}", {}, 2000);
    expect(answer.status).toBe(200);
    expect(moves).toEqual([`${gone} → ${copies[1]!.url} (move-when-not-reached)`]);
  });

  it("does not send a change again after a 5xx, which may have carried it out: it moves on for the next request", async () => {
    const [a, b] = copies as [Copy, Copy, Copy];
    const { client } = chooser([a.url, b.url], { idempotent: false });
    a.status = 500;
    expect((await client.post(new URL(`${a.url}/api/v1/agents/enroll`), "{}", {}, 2000)).status).toBe(500);
    expect(b.paths).toEqual([]);
    expect(moves).toEqual([`${a.url} → ${b.url} (move-on-server-error)`]);
  });

  it("tries each copy once at most, then hands back the last failure", async () => {
    for (const copy of copies) copy.status = 502;
    const { client } = chooser(copies.map((copy) => copy.url));
    expect((await client.get(new URL(`${copies[0]!.url}/x`), {}, 2000)).status).toBe(502);
    expect(copies.map((copy) => copy.paths.length)).toEqual([1, 1, 1]);
  });

  it("keeps the path after the first URL when it sends to another copy", async () => {
    const gone = await goneUrl();
    const { client } = chooser([`${gone}/switchyard`, `${copies[2]!.url}/other-prefix`]);
    await client.get(new URL(`${gone}/switchyard/api/v1/agents/commands?waitSeconds=0`), {}, 2000);
    expect(copies[2]!.paths).toEqual(["GET /other-prefix/api/v1/agents/commands?waitSeconds=0"]);
  });
});

describe("an agent's reports across copies", () => {
  let dir: string;
  let queue: ReportQueue;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-copies-"));
    queue = ReportQueue.open(dir, { maxBytes: 64 * 1024 * 1024 });
  });

  afterEach(() => {
    queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function fill(count: number): void {
    for (let i = 0; i < count; i += 1) {
      const seq = queue.nextSeq();
      queue.append({ ...simulatedReport(1, seq, "standby"), seq });
    }
  }

  it("are stored exactly once when the copy taking them dies: the queue moves on to the next copy, nothing lost, nothing twice", async () => {
    const [a, b] = copies as [Copy, Copy, Copy];
    const { client } = chooser(copies.map((copy) => copy.url));
    const log = createLogger("agent-test", () => undefined);
    const delivery = new Delivery({ controlPlaneUrl: a.url, poster: client, token: "t", agentVersion: "test", queue, metrics: new AgentMetrics({ processMetrics: false }), log, requestTimeoutMs: 2000 });
    fill(5);
    await delivery.deliver();
    await a.stop();
    fill(5);
    await delivery.deliver();
    // The copy answering 5xx for a batch another copy already stored: the agent is told 409 by the next and drops it.
    b.status = 503;
    fill(3);
    await delivery.deliver();
    expect(queue.depth).toBe(0);
    expect(store.stored.map((entry) => entry.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(new Set(store.stored.map((entry) => entry.copy))).toEqual(new Set(["a", "b", "c"]));
    expect(moves.map((move) => move.replace(/http:\/\/127\.0\.0\.1:\d+/g, (url) => copies.find((copy) => copy.url === url)!.name))).toEqual([
      // The agent's kept-alive connection to the copy that died breaks under it.
      "a → b (move-on-lost-connection)",
      "b → c (move-on-server-error)",
    ]);
  });
});
