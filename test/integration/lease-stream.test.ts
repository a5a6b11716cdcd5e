import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as leaseRoute } from "@/app/api/v1/agents/lease/route";
import { createHttpClient } from "@/agents/http-post";
import { leaseUrl, requestLease } from "@/agents/primary-lease/lease-request";
import { createLeaseStreamClient } from "@/agents/primary-lease/lease-stream-client";
import { LEASE_STREAM_PATH } from "@/contracts/lease-stream";
import { streamAckSchema, type StreamAck } from "@/contracts/stream-ack";
import { registerAgent } from "@/server/agents/register-agent";
import { revokeAgent } from "@/server/agents/revoke-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { serveLeaseStream } from "@/server/primary-lease/lease-stream";
import { streamOpenings } from "@/server/ingest/stream-openings";
import { seedDemoTopology } from "../support/demo-topology";
import { call } from "../support/api";
import { closeAbruptly, listenLocally } from "../support/local-server";

/**
 * The lease stream through the real handler: each line is answered as its
 * POST would be (a grant, a refusal, a 400), a revoked token is refused at
 * the next renewal and ends the stream, and an agent's renewals move onto the
 * stream with the same answers.
 */

const US = "pg-us-east-1";
const EU = "pg-eu-west-1";
const WRITABLE = { role: "primary", readOnly: false, selfFencedAt: null };
const agents: Record<string, { token: string; agentId: string; replicaId: string }> = {};
/** Renewals the stream handed to the handler. */
let streamed = 0;

/** The control plane's two ways in for renewals: the stream (as the direct lane serves it) and the POST. */
const server = http.createServer(async (incoming, outgoing) => {
  if (incoming.method === "POST" && incoming.url === LEASE_STREAM_PATH) {
    return serveLeaseStream(incoming, outgoing, (request) => {
      streamed += 1;
      return leaseRoute(request);
    }, streamOpenings());
  }
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
  const response = await leaseRoute(new Request(`http://127.0.0.1${incoming.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }));
  outgoing.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
});
let url = "";

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of [US, EU]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    agents[name] = { token: issued.token, agentId: issued.agent.id, replicaId: replica.id };
  }
  url = (await listenLocally(server)).replace(/\/$/, "");
});

beforeEach(async () => {
  await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: agents[US]!.replicaId } });
});

afterAll(() => closeAbruptly(server));

/** A lease stream as the wire carries it: send a line, read its acknowledgement; `ended` settles when the control plane ends its answer. */
function openStream(token: string) {
  const request = http.request(`${url}${LEASE_STREAM_PATH}`, {
    method: "POST",
    agent: false,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson", "transfer-encoding": "chunked" },
  });
  const waiting: ((ack: StreamAck) => void)[] = [];
  let buffered = "";
  let status = 0;
  const ended = new Promise<void>((resolve, reject) => {
    request.on("response", (response) => {
      status = response.statusCode ?? 0;
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
          const ack = streamAckSchema.parse(JSON.parse(buffered.slice(0, end)));
          buffered = buffered.slice(end + 1);
          waiting.shift()?.(ack);
        }
      });
      response.on("end", resolve);
    });
    request.on("error", reject);
  });
  request.flushHeaders();
  return {
    ended,
    status: () => status,
    send(line: string): Promise<StreamAck> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        request.write(`${line}\n`);
      });
    },
    close: () => request.destroy(),
  };
}

const post = (replica: string, body: unknown = WRITABLE) => call(leaseRoute, { method: "POST", path: "/api/v1/agents/lease", token: agents[replica]!.token, body });

describe("the lease stream", () => {
  it("grants on the stream what the POST grants, and an agent's renewals move onto it", async () => {
    const posted = await post(US);
    const stream = openStream(agents[US]!.token);
    const ack = await stream.send(JSON.stringify(WRITABLE));
    stream.close();
    expect(posted).toMatchObject({ status: 200, json: { granted: true, periodMs: 5000, epoch: 1 } });
    expect({ ...ack, answer: { ...(ack.answer as object), witnessRoster: "…" } }).toEqual({ status: 200, answer: { ...posted.json, witnessRoster: "…" } });

    const before = streamed;
    const lease = createLeaseStreamClient(createHttpClient());
    try {
      const first = await requestLease(lease, leaseUrl(url), agents[US]!.token, WRITABLE as never, 2_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = await requestLease(lease, leaseUrl(url), agents[US]!.token, WRITABLE as never, 2_000);
      expect(first).toMatchObject({ kind: "answer", answer: { granted: true, periodMs: 5000, epoch: 1 } });
      expect(second).toMatchObject({ kind: "answer", answer: { granted: true, periodMs: 5000, epoch: 1 } });
      // The first went by POST while the stream opened; the second on the stream.
      expect(streamed - before).toBe(1);
    } finally {
      lease.close();
    }
  });

  it("answers an invalid line with its 400 and goes on with the next", async () => {
    const stream = openStream(agents[US]!.token);
    const notJson = await stream.send("{nope");
    const invalid = await stream.send(JSON.stringify({ role: "leader", readOnly: false }));
    const valid = await stream.send(JSON.stringify(WRITABLE));
    stream.close();
    expect(notJson).toMatchObject({ status: 400, answer: { error: { code: "invalid_json" } } });
    expect(invalid).toEqual({ status: 400, answer: (await post(US, { role: "leader", readOnly: false })).json });
    expect(valid).toMatchObject({ status: 200, answer: { granted: true } });
  });

  it("brings back a refusal as the POST's", async () => {
    const stream = openStream(agents[EU]!.token);
    const ack = await stream.send(JSON.stringify(WRITABLE));
    stream.close();
    const posted = await post(EU);
    expect(ack).toEqual({ status: 200, answer: { granted: false, reason: "writes go to pg-us-east-1, not to pg-eu-west-1", epoch: 1 } });
    expect(ack).toEqual({ status: posted.status, answer: posted.json });
  });

  it("refuses a token revoked while the stream is open at the next renewal, and ends the stream", async () => {
    const stream = openStream(agents[EU]!.token);
    expect((await stream.send(JSON.stringify({ role: "standby", readOnly: true }))).status).toBe(200);
    await revokeAgent(agents[EU]!.agentId, SYSTEM_ACTOR);
    try {
      const ack = await stream.send(JSON.stringify({ role: "standby", readOnly: true }));
      expect(ack).toMatchObject({ status: 401, answer: { error: { code: "unauthenticated" } } });
      await stream.ended;
    } finally {
      stream.close();
      await db().agent.update({ where: { id: agents[EU]!.agentId }, data: { revokedAt: null } });
    }
  });

  it("refuses an opening without an agent's token before any stream, as the POST would", async () => {
    const stream = openStream("not-a-token");
    await stream.ended;
    expect(stream.status()).toBe(401);
  });

  it("refuses an opening with a token no agent holds before any stream, so a stranger holds no connection open", async () => {
    const stream = openStream(`sya_${"0".repeat(43)}`);
    await stream.ended;
    expect(stream.status()).toBe(401);
  });

  it("answers a line larger than the POST's body limit 413 and closes the stream", async () => {
    const stream = openStream(agents[US]!.token);
    const ack = await stream.send(JSON.stringify({ ...WRITABLE, padding: "x".repeat(1024 * 1024) }));
    expect(ack).toMatchObject({ status: 413, answer: { error: { code: "payload_too_large" } } });
    await stream.ended.catch(() => undefined);
    stream.close();
  });
});
