import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { Delivery } from "@/agents/delivery";
import { createHttpClient } from "@/agents/http-post";
import { createLogger } from "@/agents/log";
import { AgentMetrics } from "@/agents/metrics";
import { ReportQueue } from "@/agents/report-queue";
import { createReportStreamClient } from "@/agents/report-stream";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { registerAgent } from "@/server/agents/register-agent";
import { revokeAgent } from "@/server/agents/revoke-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { GroupCommit } from "@/server/ingest/group-commit";
import { serveReportStream } from "@/server/ingest/report-stream";
import { seedDemoTopology } from "../support/demo-topology";
import { closeAbruptly, listenLocally } from "../support/local-server";
import { batchOf, standbyReport } from "../support/reports";

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-report-stream-"));
const commit = new GroupCommit(20);
/** Set to cut the next stream's connection right after its batch is stored, before its acknowledgement is written. */
let cutAfterStoring = false;
/** Set to make the copy look this far behind storing (ms), as a copy under load is. */
let behindMs: number | null = null;

/** The control plane's two ways in for reports: the stream (as the direct lane serves it) and the batch POST. */
const server = http.createServer(async (incoming, outgoing) => {
  if (incoming.method === "POST" && incoming.url === REPORT_STREAM_PATH) {
    return serveReportStream(incoming, outgoing, {
      submit: async (agent, batch) => {
        const outcome = await commit.submit(agent, batch);
        if (cutAfterStoring) {
          cutAfterStoring = false;
          incoming.socket.destroy();
        }
        return outcome;
      },
      behindMs: () => behindMs ?? commit.behindMs(),
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
  const response = await ingestRoute(new Request(`http://127.0.0.1${incoming.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }));
  outgoing.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
});
let url = "";
const agents: Record<string, { id: string; token: string }> = {};

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of ["pg-eu-west-1", "pg-europe-west3"]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    agents[name] = { id: issued.agent.id, token: issued.token };
  }
  url = (await listenLocally(server)).replace(/\/$/, "");
});

afterAll(async () => {
  await closeAbruptly(server);
  rmSync(dir, { recursive: true, force: true });
});

async function storedSeqs(agent: string): Promise<number[]> {
  const samples = await db().sample.findMany({ where: { agentId: agents[agent]!.id }, orderBy: { seq: "asc" }, select: { seq: true } });
  return samples.map((sample) => Number(sample.seq));
}

/** An agent's delivery as it runs, on its report stream (falling back to the POST), with what the stream's rules said. */
function deliveryOf(agent: string) {
  const queue = ReportQueue.open(path.join(dir, agent), { maxBytes: 1024 * 1024 });
  const rules: string[] = [];
  const delivery = new Delivery({
    controlPlaneUrl: url,
    token: agents[agent]!.token,
    agentVersion: "test",
    queue,
    metrics: new AgentMetrics({ processMetrics: false }),
    log: createLogger("report-stream-test", () => undefined),
    poster: createReportStreamClient(createHttpClient(), { onRule: (rule) => rules.push(rule.id) }),
    requestTimeoutMs: 10_000,
  });
  const append = (count: number) => {
    for (let i = 0; i < count; i++) queue.append(standbyReport(queue.nextSeq()));
  };
  return { queue, rules, delivery, append };
}

/** A raw stream: write lines, read acknowledgements one by one. */
function rawStream(token: string): Promise<{ status: number; retryAfter: string | undefined; body: string; send: (line: string) => void; nextAck: () => Promise<{ status: number; answer: any }>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${REPORT_STREAM_PATH}`, {
      method: "POST",
      agent: false,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson", "transfer-encoding": "chunked" },
    });
    request.on("error", reject);
    request.on("response", (response) => {
      const acks: string[] = [];
      const waiting: ((line: string) => void)[] = [];
      let buffered = "";
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
        buffered += chunk;
        for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 1);
          const waiter = waiting.shift();
          if (waiter) waiter(line);
          else acks.push(line);
        }
      });
      const ready = () =>
        resolve({
          status: response.statusCode ?? 0,
          retryAfter: response.headers["retry-after"],
          body,
          send: (line) => request.write(`${line}\n`),
          nextAck: () => new Promise((done) => (acks.length ? done(JSON.parse(acks.shift()!)) : waiting.push((line) => done(JSON.parse(line))))),
          close: () => request.destroy(),
        });
      if (response.statusCode === 200) ready();
      else response.on("end", ready);
    });
    request.flushHeaders();
  });
}

describe("report streams", () => {
  it("store each report exactly once, two agents at once, across a connection cut before its acknowledgement and the resend", async () => {
    const eu = deliveryOf("pg-eu-west-1");
    const europe = deliveryOf("pg-europe-west3");
    eu.append(2);
    europe.append(3);
    await Promise.all([eu.delivery.deliver(), europe.delivery.deliver()]);
    expect([eu.queue.depth, europe.queue.depth]).toEqual([0, 0]);
    expect(await storedSeqs("pg-eu-west-1")).toEqual([1, 2]);
    expect(await storedSeqs("pg-europe-west3")).toEqual([1, 2, 3]);
    expect(eu.rules).toEqual([]);

    // Stored, then the connection is cut: the agent never hears so, resends by POST, and is told what is held.
    cutAfterStoring = true;
    eu.append(2);
    await eu.delivery.deliver();
    expect(eu.rules).toEqual(["stream-broke"]);
    expect(eu.queue.depth).toBe(0);
    expect(await storedSeqs("pg-eu-west-1")).toEqual([1, 2, 3, 4]);

    // The next batch opens a new stream.
    eu.append(1);
    await eu.delivery.deliver();
    expect(eu.rules).toEqual(["stream-broke"]);
    expect(eu.queue.depth).toBe(0);
    expect(await storedSeqs("pg-eu-west-1")).toEqual([1, 2, 3, 4, 5]);
    expect((await db().agent.findUniqueOrThrow({ where: { id: agents["pg-eu-west-1"]!.id } })).lastSeq).toBe(5n);
    eu.delivery.close();
    europe.delivery.close();

    // A batch sent again on a stream is answered 409 with what is held, and nothing is written.
    const stream = await rawStream(agents["pg-eu-west-1"]!.token);
    stream.send(JSON.stringify(batchOf([standbyReport(4), standbyReport(5)])));
    expect(await stream.nextAck()).toMatchObject({ status: 409, answer: { lastSeq: 5, error: { code: "conflict" } } });
    stream.close();
    expect(await storedSeqs("pg-eu-west-1")).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses a stream whose token is unknown, before reading any batch", async () => {
    const stream = await rawStream("sya_not-a-token");
    expect(stream.status).toBe(401);
    expect(JSON.parse(stream.body)).toMatchObject({ error: { code: "unauthenticated" } });

    const client = createReportStreamClient(createHttpClient());
    const answer = await client.post(new URL(`${url}/api/v1/agents/reports`), JSON.stringify(batchOf([standbyReport(1)])), { authorization: "Bearer sya_not-a-token" }, 10_000);
    client.close();
    expect(answer.status).toBe(401);
  });

  it("stores a batch's valid reports, names its invalid one by seq in the acknowledgement, and never stores it", async () => {
    const before = await storedSeqs("pg-europe-west3");
    const stream = await rawStream(agents["pg-europe-west3"]!.token);
    stream.send(JSON.stringify(batchOf([standbyReport(4), standbyReport(5, { lag: { bytes: -1, seconds: 0 } }), standbyReport(6)])));
    const partly = await stream.nextAck();
    expect(partly).toMatchObject({ status: 200, answer: { accepted: 2, lastSeq: 6 } });
    expect(partly.answer.refused).toHaveLength(1);
    expect(partly.answer.refused[0].seq).toBe(5);
    expect(partly.answer.refused[0].message).toMatch(/^reports\.1\.lag\.bytes: /);
    expect(await storedSeqs("pg-europe-west3")).toEqual([...before, 4, 6]);

    // The same batch again: what is held is answered 409, and the refused report is still not stored.
    stream.send(JSON.stringify(batchOf([standbyReport(4), standbyReport(5, { lag: { bytes: -1, seconds: 0 } }), standbyReport(6)])));
    expect(await stream.nextAck()).toMatchObject({ status: 409, answer: { lastSeq: 6 } });
    stream.close();
    expect(await storedSeqs("pg-europe-west3")).toEqual([...before, 4, 6]);
  });

  it("answers a batch that cannot be split (every report invalid, a report without a readable seq, an invalid envelope) with an error naming the field, and stores nothing of it", async () => {
    const before = await storedSeqs("pg-europe-west3");
    const stream = await rawStream(agents["pg-europe-west3"]!.token);
    const next = before.at(-1)! + 1;
    stream.send(JSON.stringify(batchOf([standbyReport(next, { lag: { bytes: -1, seconds: 0 } })])));
    const invalid = await stream.nextAck();
    expect(invalid.status).toBe(400);
    expect(invalid.answer.error).toMatchObject({ code: "validation_failed", field: "reports.0.lag.bytes" });
    expect(invalid.answer.error.message).toMatch(/^reports\.0\.lag\.bytes: /);
    stream.send(JSON.stringify(batchOf([standbyReport(next), { ...standbyReport(next + 1), seq: "seven" } as never])));
    expect(await stream.nextAck()).toMatchObject({ status: 400, answer: { error: { field: "reports.1.seq" } } });
    stream.send(JSON.stringify(batchOf([standbyReport(next), standbyReport(next + 1, { lag: { bytes: -1, seconds: 0 } })], { agentVersion: 7 as never })));
    expect(await stream.nextAck()).toMatchObject({ status: 400, answer: { error: { field: "agentVersion" } } });
    stream.send("{not json");
    expect(await stream.nextAck()).toMatchObject({ status: 400, answer: { error: { code: "invalid_json" } } });
    expect(await storedSeqs("pg-europe-west3")).toEqual(before);

    stream.send(JSON.stringify(batchOf([standbyReport(next)])));
    expect(await stream.nextAck()).toMatchObject({ status: 200, answer: { accepted: 1, lastSeq: next } });
    stream.close();
    expect(await storedSeqs("pg-europe-west3")).toEqual([...before, next]);
  });

  it("writes a replica's latest state through the group commit as a single batch does: inserted by its first report, replaced by later ones, the last serving report kept through one that could not reach its server", async () => {
    // A replica of its own, without a state yet: the other tests' agents hold the demo's replicas.
    const template = await db().replica.findFirstOrThrow({ where: { name: "pg-eu-west-1" } });
    const { serviceId, regionId, engine, host, port, databaseName, replication } = template;
    const replica = await db().replica.create({ data: { serviceId, regionId, engine, host, port: port + 100, databaseName, replication, name: "pg-eu-west-2", role: "standby" } });
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${replica.name}` }, SYSTEM_ACTOR);
    const stream = await rawStream(issued.token);
    const state = () => db().replicaState.findUniqueOrThrow({ where: { replicaId: replica.id }, select: { lastSeq: true, reachable: true, report: true, lastServingReport: true, facts: true, lastServingFacts: true } });

    stream.send(JSON.stringify(batchOf([standbyReport(1)])));
    expect(await stream.nextAck()).toMatchObject({ status: 200, answer: { lastSeq: 1 } });
    const first = await state();
    expect(first).toMatchObject({ lastSeq: 1n, reachable: true, report: { seq: 1 }, lastServingReport: { seq: 1 } });

    stream.send(JSON.stringify(batchOf([standbyReport(2), standbyReport(3)])));
    expect(await stream.nextAck()).toMatchObject({ status: 200, answer: { lastSeq: 3 } });
    expect(await state()).toMatchObject({ lastSeq: 3n, report: { seq: 3 }, lastServingReport: { seq: 3 } });

    stream.send(JSON.stringify(batchOf([standbyReport(4, { reachable: false, error: "connection refused", role: null, walReceiver: null })])));
    expect(await stream.nextAck()).toMatchObject({ status: 200, answer: { lastSeq: 4 } });
    stream.close();
    const unreachable = await state();
    expect(unreachable).toMatchObject({ lastSeq: 4n, reachable: false, report: { seq: 4 }, lastServingReport: { seq: 3 } });
    const [, , settings, standbys, slots] = first.facts as unknown[];
    expect(unreachable.facts).toEqual(["connection refused", null, settings, standbys, slots]);
    expect(unreachable.lastServingFacts).toEqual(first.lastServingFacts);
  });

  it("sheds new streams while the copy is seconds behind storing, at once, before looking at their token, and keeps serving the streams it holds", async () => {
    const held = await rawStream(agents["pg-europe-west3"]!.token);
    const next = Math.max(0, ...(await storedSeqs("pg-europe-west3"))) + 1;
    behindMs = 10_000;
    try {
      const shed = await rawStream("sya_not-a-token");
      expect(shed.status).toBe(503);
      expect(shed.retryAfter).toBe("20");
      expect(JSON.parse(shed.body)).toMatchObject({ error: { code: "overloaded" } });
      held.send(JSON.stringify(batchOf([standbyReport(next)])));
      expect(await held.nextAck()).toMatchObject({ status: 200, answer: { lastSeq: next } });
    } finally {
      behindMs = null;
      held.close();
    }
    const opened = await rawStream("sya_not-a-token");
    expect(opened.status).toBe(401);
  });

  it("counts how far behind the group commit is from its oldest batch not stored yet", async () => {
    const row = await db().agent.findUniqueOrThrow({ where: { id: agents["pg-eu-west-1"]!.id }, include: { replica: true } });
    const agent = { type: "agent" as const, agentId: row.id, name: row.name, replicaId: row.replicaId, serviceId: row.replica.serviceId, witnessKey: null, refusedWitnessKey: null };
    expect(commit.behindMs()).toBe(0);
    const stored = commit.submit(agent, batchOf([standbyReport(Number(row.lastSeq) + 1)]), () => false, new Date(Date.now() - 5_000));
    expect(commit.behindMs()).toBeGreaterThanOrEqual(5_000);
    expect(await stored).toMatchObject({ stored: true });
    // Its statement ends once its batches are answered: the microtasks after them.
    await new Promise((resolve) => setImmediate(resolve));
    expect(commit.behindMs()).toBe(0);
  });

  it("stores nothing for a token revoked after this copy verified it, though a stream may still open with it for a while", async () => {
    const replica = await db().replica.findFirstOrThrow({ where: { name: "pg-us-east-1" } });
    const issued = await registerAgent({ replicaId: replica.id, name: "agent-pg-us-east-1" }, SYSTEM_ACTOR);
    const first = await rawStream(issued.token);
    first.send(JSON.stringify(batchOf([standbyReport(1)])));
    expect(await first.nextAck()).toMatchObject({ status: 200 });
    first.close();
    await revokeAgent(issued.agent.id, SYSTEM_ACTOR);

    // Within VERIFIED_TOKEN_TTL_MS of its verification the opening may be answered from memory; its batch never is stored.
    const again = await rawStream(issued.token);
    if (again.status === 200) {
      again.send(JSON.stringify(batchOf([standbyReport(2)])));
      expect(await again.nextAck()).toMatchObject({ status: 401, answer: { error: { code: "unauthenticated" } } });
      again.close();
    } else expect(again.status).toBe(401);
    const samples = await db().sample.findMany({ where: { agentId: issued.agent.id }, select: { seq: true } });
    expect(samples.map((sample) => Number(sample.seq))).toEqual([1]);
  });
});
