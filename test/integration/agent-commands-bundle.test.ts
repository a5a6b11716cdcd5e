import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandResultSchema, type AgentCommandClaims, type CommandResult } from "@/contracts/agent-commands";
import { COMMAND_KEY_STATEMENT_TYPE } from "@/contracts/command-keys";
import { agentReportBatchSchema } from "@/contracts/agent-reports";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { buildAgentBundle } from "@/agents/build";
import { createTestSigner, type TestSigner } from "@/agents/commands/test-signer";
import type { AgentConfig } from "@/agents/config";
import { superuserDatabaseUrl } from "../support/sql";
import { until } from "../support/until";
import { freePort } from "@/server/store/free-port";

/**
 * The bundled agent as it runs in production, taking signed commands from a
 * stand-in control plane and acting on a real PostgreSQL 18 (the test's own
 * database): a command is executed once, a second copy is refused with the
 * first one's output (also after a restart), an older epoch is refused; a
 * key rotation is followed and kept across a restart.
 */

const AGENT = "orders-eu-agent";
const REPLICA = "orders-eu";
const TOKEN = "sy_agent_e2e";

/** Hands out pending commands until a result for them is recorded; stores reports posted in batches. */
class FakeControlPlane {
  pending: { id: string; token: string }[] = [];
  /** Key statements, handed to a poll that holds an older one, as the real control plane does. */
  keyStatements: { generation: number; token: string }[] = [];
  /** The keyGeneration each poll said the agent holds. */
  readonly heldGenerations: number[] = [];
  readonly results: { id: string; result: CommandResult }[] = [];
  reports = 0;
  private readonly server = http.createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return void response.writeHead(401).end();
    const url = new URL(request.url ?? "/", "http://control-plane");
    // It serves no report streams, as an older control plane: the agent posts its batches.
    if (url.pathname === REPORT_STREAM_PATH) return void response.writeHead(404).end();
    const body: Buffer[] = [];
    request.on("data", (chunk: Buffer) => body.push(chunk));
    request.on("end", () => {
      const json = () => JSON.parse(Buffer.concat(body).toString("utf8")) as unknown;
      const answer = (status: number, payload: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      if (request.method === "POST" && url.pathname === "/api/v1/agents/reports") {
        const batch = agentReportBatchSchema.parse(json());
        this.reports += batch.reports.length;
        return answer(200, { accepted: batch.reports.length, lastSeq: batch.reports.at(-1)!.seq, serverTime: new Date().toISOString(), clockSkewMs: 0 });
      }
      if (request.method === "GET" && url.pathname === "/api/v1/agents/commands") {
        const deadline = Date.now() + Number(url.searchParams.get("waitSeconds") ?? "0") * 1000;
        const held = Number(url.searchParams.get("keyGeneration"));
        this.heldGenerations.push(held);
        const poll = () => {
          if (response.destroyed) return;
          const keyStatements = this.keyStatements.filter((statement) => statement.generation > held).map((statement) => statement.token);
          if (this.pending.length > 0 || keyStatements.length > 0 || Date.now() >= deadline) return answer(200, { commands: this.pending, keyStatements });
          setTimeout(poll, 25);
        };
        return poll();
      }
      const result = /^\/api\/v1\/agents\/commands\/([^/]+)\/result$/.exec(url.pathname);
      if (request.method === "POST" && result) {
        const id = decodeURIComponent(result[1]!);
        this.results.push({ id, result: commandResultSchema.parse(json()) });
        this.pending = this.pending.filter((command) => command.id !== id);
        return answer(200, { recorded: true });
      }
      answer(404, { error: { code: "not_found", message: url.pathname } });
    });
  });

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

interface RunningAgent {
  process: ChildProcess;
  lines: Record<string, unknown>[];
}

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-agent-commands-e2e-"));
chmodSync(dir, 0o755);
const bundle = path.join(dir, "switchyard-agent.cjs");
const configFile = path.join(dir, "agent.json");
const controlPlane = new FakeControlPlane();
const running: RunningAgent[] = [];
let signer: TestSigner;
let metricsPort: number;
let config: AgentConfig;

/** The agent, on a metrics port of its own: a port its predecessor held is not waited for. */
async function startAgent(): Promise<RunningAgent> {
  metricsPort = await freePort();
  writeFileSync(configFile, JSON.stringify({ ...config, metrics: { port: metricsPort, host: "127.0.0.1" } }));
  const child = spawn(process.execPath, [bundle, configFile], { stdio: ["ignore", "pipe", "inherit"] });
  const agent: RunningAgent = { process: child, lines: [] };
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const complete = buffered.split("\n");
    buffered = complete.pop()!;
    for (const line of complete) if (line) agent.lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  running.push(agent);
  return agent;
}

function stopAgent(agent: RunningAgent): Promise<number | null> {
  return new Promise((resolve) => {
    if (agent.process.exitCode !== null) return resolve(agent.process.exitCode);
    agent.process.once("exit", (code) => resolve(code));
    agent.process.kill("SIGTERM");
  });
}

/** Offers a command and returns the result the agent posts for this copy of it. */
async function send(token: string, claims: AgentCommandClaims): Promise<CommandResult> {
  const before = controlPlane.results.length;
  controlPlane.pending.push({ id: claims.jti, token });
  await until(`the result of ${claims.kind} ${claims.jti}`, () => controlPlane.results.length > before, Boolean, 15_000, 25);
  const posted = controlPlane.results[before]!;
  expect(posted.id).toBe(claims.jti);
  return posted.result;
}

async function scrape(): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: metricsPort, path: "/metrics" }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve(text));
      })
      .on("error", reject);
  });
}

beforeAll(async () => {
  signer = await createTestSigner({ agentName: AGENT, replica: REPLICA });
  const port = await controlPlane.start();
  await buildAgentBundle(bundle);
  config = {
    controlPlaneUrl: `http://127.0.0.1:${port}`,
    token: TOKEN,
    agentName: AGENT,
    replica: { name: REPLICA, regionId: "aws:eu-west-1", engine: "postgresql", connectionString: superuserDatabaseUrl() },
    peers: [],
    intervalMs: 500,
    probeTimeoutMs: 2000,
    queue: { dir: path.join(dir, "queue"), maxBytes: 64 * 1024 * 1024 },
    metrics: { port: 0, host: "127.0.0.1" },
    health: { port: 0, host: "127.0.0.1" },
    commands: { publicKey: signer.publicKeyPem, pollSeconds: 5 },
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map(stopAgent));
  await controlPlane.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the bundled agent taking signed commands", () => {
  it("executes a command once, refuses a second copy with the first output, refuses an older epoch, and remembers across a restart", async () => {
    const agent = await startAgent();
    const write = signer.claims({ kind: "verify-write", args: { expect: "accepted" }, epoch: 2 });
    const writeToken = await signer.sign(write);
    expect(await send(writeToken, write)).toEqual({ status: "succeeded", output: { accepted: true, error: null }, error: null, agentEpoch: 2 });

    const copy = await send(writeToken, write);
    expect(copy).toEqual({
      status: "refused",
      output: { accepted: true, error: null },
      error: expect.stringMatching(new RegExp(`^command ${write.jti} was already executed at \\d{4}-.*Z; not executing it again$`)),
      agentEpoch: 2,
    });

    const stale = signer.claims({ kind: "checkpoint", epoch: 1 });
    expect(await send(await signer.sign(stale), stale)).toEqual({ status: "refused", output: null, error: "stale epoch 1: this agent has seen epoch 2", agentEpoch: 2 });

    const forger = await createTestSigner({ agentName: AGENT, replica: REPLICA });
    const forged = signer.claims({ kind: "checkpoint", epoch: 3 });
    expect(await send(await forger.sign(forged, { alg: "EdDSA", kid: signer.id }), forged)).toMatchObject({ status: "refused", error: expect.stringMatching(/signature does not verify/), agentEpoch: 2 });
    const untrusted = signer.claims({ kind: "checkpoint", epoch: 3 });
    expect(await send(await forger.sign(untrusted), untrusted)).toMatchObject({ status: "refused", error: expect.stringMatching(new RegExp(`signed with key ${forger.id}, which this agent does not trust`)), agentEpoch: 2 });

    const checkpoint = signer.claims({ kind: "checkpoint", epoch: 2 });
    expect(await send(await signer.sign(checkpoint), checkpoint)).toMatchObject({ status: "succeeded", output: { lsn: expect.stringMatching(/^\d+$/) } });

    const handled = agent.lines.filter((line) => line.event === "command.handled");
    expect(handled.map((line) => [line.kind, line.outcome, line.epoch])).toEqual([
      ["verify-write", "succeeded", 2],
      ["verify-write", "refused", 2],
      ["checkpoint", "refused", 1],
      ["checkpoint", "refused", 3],
      ["checkpoint", "refused", 3],
      ["checkpoint", "succeeded", 2],
    ]);
    const metrics = await scrape();
    expect(metrics).toContain('switchyard_agent_commands_total{kind="verify-write",outcome="succeeded"} 1');
    expect(metrics).toContain('switchyard_agent_commands_total{kind="verify-write",outcome="refused"} 1');
    expect(metrics).toContain('switchyard_agent_commands_total{kind="checkpoint",outcome="refused"} 3');
    expect(metrics).toContain("switchyard_agent_epoch 2");
    // Its reports go their own way (its first stream opening is spread over an interval, then refused here, then a POST): they come, at their pace.
    await until("a report posted", () => controlPlane.reports, (reports) => reports > 0, 15_000, 25);

    // SIGTERM ends the long-poll at once rather than after its waitSeconds.
    const stopping = Date.now();
    expect(await stopAgent(agent)).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(4000);

    const restarted = await startAgent();
    const afterRestart = await send(writeToken, write);
    expect(afterRestart).toMatchObject({ status: "refused", output: { accepted: true, error: null }, error: expect.stringMatching(/already executed/), agentEpoch: 2 });
    expect(await stopAgent(restarted)).toBe(0);
  });

  it("follows a key rotation from its polls, and after a restart still refuses the retired key, with no statement sent again", async () => {
    const next = await createTestSigner({ agentName: AGENT, replica: REPLICA });
    const statement = (by: TestSigner, generation: number, keys: TestSigner[]) =>
      by.sign({ iss: "switchyard", iat: Math.floor(Date.now() / 1000), generation, keys: keys.map((key) => ({ id: key.id, publicKey: key.publicKeyPem })) }, { alg: "EdDSA", typ: COMMAND_KEY_STATEMENT_TYPE, kid: by.id });
    controlPlane.keyStatements = [{ generation: 1, token: await statement(signer, 1, [signer, next]) }];
    const agent = await startAgent();
    const during = [signer, next].map((key) => ({ key, claims: signer.claims({ kind: "checkpoint", epoch: 2 }) }));
    for (const { key, claims } of during) expect(await send(await key.sign(claims), claims)).toMatchObject({ status: "succeeded" });

    controlPlane.keyStatements.push({ generation: 2, token: await statement(next, 2, [next]) });
    await until("the rotation's completion", () => agent.lines.some((line) => line.event === "command_keys.changed" && line.generation === 2), Boolean, 15_000, 25);
    expect(await stopAgent(agent)).toBe(0);

    // Whoever answers its polls after the restart (an impersonator holding the retired key, say) withholds the statements.
    controlPlane.keyStatements = [];
    const polls = controlPlane.heldGenerations.length;
    const restarted = await startAgent();
    await until("a poll from the restarted agent", () => controlPlane.heldGenerations.length > polls, Boolean, 15_000, 25);
    expect(controlPlane.heldGenerations.at(-1)).toBe(2);
    const byRetired = signer.claims({ kind: "checkpoint", epoch: 2 });
    expect(await send(await signer.sign(byRetired), byRetired)).toMatchObject({ status: "refused", error: expect.stringMatching(new RegExp(`^the command is signed with key ${signer.id}, which this agent does not trust`)) });
    const byNew = signer.claims({ kind: "checkpoint", epoch: 2 });
    expect(await send(await next.sign(byNew), byNew)).toMatchObject({ status: "succeeded" });
    expect(await stopAgent(restarted)).toBe(0);
  });
});
