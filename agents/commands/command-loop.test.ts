import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commandResultSchema, type AgentCommandClaims, type CommandResult } from "@/contracts/agent-commands";
import { COMMAND_KEY_STATEMENT_TYPE } from "@/contracts/command-keys";
import { createLogger } from "../log";
import { AgentMetrics } from "../metrics";
import type { CommandExecutor } from "./command-executor";
import { CommandLedger, RESTARTED_WHILE_EXECUTING, type CommandAnswer } from "./command-ledger";
import { COMMANDS_PATH, CommandLoop } from "./command-loop";
import { createTestSigner, type TestSigner } from "./test-signer";
import { CommandKeyRing } from "./command-key-ring";
import type { VerifiedCommand } from "./verify-command";
import { closeAbruptly, listenLocally } from "../../test/support/local-server";

const AGENT = "orders-eu-agent";
const REPLICA = "orders-eu";
const TOKEN = "agent-token";

interface PostedResult {
  id: string;
  authorization: string | undefined;
  result: CommandResult;
}

/**
 * A stand-in control plane: hands out every pending command until a result
 * for it is recorded (as the real one does), holds an empty poll briefly, and
 * answers result posts with `answerResult` (200 records the result).
 */
class FakeControlPlane {
  pending: { id: string; token: string }[] = [];
  /** Handed to a poll whose keyGeneration is older, as the real one does. */
  keyStatements: { generation: number; token: string }[] = [];
  readonly polls: { authorization: string | undefined; url: string }[] = [];
  readonly pollTimes: number[] = [];
  /** Whether the answer to the n-th poll asks the agent for a report now. */
  reportNow: (index: number) => boolean = () => false;
  readonly posted: PostedResult[] = [];
  /** The posts answered 200. */
  readonly recorded: PostedResult[] = [];
  answerPoll: (index: number) => number = () => 200;
  /** How long an empty poll is held before it is answered. */
  holdMs = 100;
  answerResult: (posted: PostedResult, index: number) => number = () => 200;
  private readonly server = http.createServer((request, response) => {
    const url = request.url ?? "";
    if (request.method === "GET" && url.startsWith(`${COMMANDS_PATH}?`)) {
      this.polls.push({ authorization: request.headers.authorization, url });
      this.pollTimes.push(performance.now());
      const status = this.answerPoll(this.polls.length - 1);
      if (status !== 200) return void response.writeHead(status).end();
      const held = Number(new URL(url, "http://fake").searchParams.get("keyGeneration"));
      const keyStatements = this.keyStatements.filter((statement) => statement.generation > held).map((statement) => statement.token);
      const reportNow = this.reportNow(this.polls.length - 1);
      const answer = () => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ commands: this.pending, keyStatements, reportNow }));
      if (this.pending.length > 0 || keyStatements.length > 0) return answer();
      setTimeout(answer, this.holdMs);
      return;
    }
    const match = /^\/api\/v1\/agents\/commands\/([^/]+)\/result$/.exec(url);
    if (request.method === "POST" && match) {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const posted = {
          id: decodeURIComponent(match[1]!),
          authorization: request.headers.authorization,
          result: commandResultSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8"))),
        };
        this.posted.push(posted);
        const status = this.answerResult(posted, this.posted.length - 1);
        if (status === 200) {
          this.recorded.push(posted);
          this.pending = this.pending.filter((command) => command.id !== posted.id);
        }
        response.writeHead(status, { "content-type": "application/json" }).end("{}");
      });
      return;
    }
    response.writeHead(404).end();
  });

  start(): Promise<string> {
    return listenLocally(this.server);
  }

  stop(): Promise<void> {
    return closeAbruptly(this.server);
  }
}

/** Checkpoints "succeed" with a made-up position; the executions are counted. */
class FakeExecutor implements CommandExecutor {
  readonly executed: VerifiedCommand[] = [];
  answer: (command: VerifiedCommand) => Promise<CommandAnswer> = async (command) => ({ status: "succeeded", output: { lsn: String(1000 + this.executed.length) }, error: null });
  async execute(command: VerifiedCommand): Promise<CommandAnswer> {
    this.executed.push(command);
    return this.answer(command);
  }
}

let signer: TestSigner;
let keyRing: CommandKeyRing;
let dir: string;
let controlPlane: FakeControlPlane;
let url: string;
let executor: FakeExecutor;
let metrics: AgentMetrics;
let logLines: Record<string, unknown>[];
let loop: CommandLoop | null;
let reportsAsked: number;

beforeAll(async () => {
  signer = await createTestSigner({ agentName: AGENT, replica: REPLICA });
});

beforeEach(async () => {
  keyRing = await CommandKeyRing.open(null, signer.publicKeyPem);
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-command-loop-"));
  controlPlane = new FakeControlPlane();
  url = await controlPlane.start();
  executor = new FakeExecutor();
  metrics = new AgentMetrics({ processMetrics: false });
  logLines = [];
  loop = null;
  reportsAsked = 0;
});

afterEach(async () => {
  await loop?.stop();
  await controlPlane.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startLoop(ledger = CommandLedger.open(dir)): CommandLoop {
  loop = new CommandLoop({
    controlPlaneUrl: url,
    token: TOKEN,
    verifier: { agentName: AGENT, replicaName: REPLICA },
    keyRing,
    pollSeconds: 1,
    ledger,
    executor,
    metrics,
    log: createLogger(AGENT, (line) => logLines.push(JSON.parse(line) as Record<string, unknown>)),
    backoffMs: () => 20,
    reportNow: () => reportsAsked++,
  });
  loop.start();
  return loop;
}

async function offer(claims: AgentCommandClaims): Promise<void> {
  controlPlane.pending.push({ id: claims.jti, token: await signer.sign(claims) });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const accepted = (id: string) => () => controlPlane.recorded.some((posted) => posted.id === id);
const resultsFor = (id: string) => controlPlane.posted.filter((posted) => posted.id === id).map((posted) => posted.result);

async function counted(kind: string, outcome: string): Promise<number> {
  return (await metrics.commands.get()).values.find((value) => value.labels.kind === kind && value.labels.outcome === outcome)?.value ?? 0;
}

describe("CommandLoop", () => {
  it("long-polls with the agent token, executes a verified command once, and posts its result", async () => {
    const claims = signer.claims({ kind: "checkpoint", epoch: 3 });
    await offer(claims);
    startLoop();
    await until(accepted(claims.jti), "the result");
    expect(controlPlane.polls[0]).toEqual({ authorization: `Bearer ${TOKEN}`, url: `${COMMANDS_PATH}?waitSeconds=1&keyGeneration=0` });
    expect(controlPlane.posted[0]).toEqual({ id: claims.jti, authorization: `Bearer ${TOKEN}`, result: { status: "succeeded", output: { lsn: "1001" }, error: null, agentEpoch: 3 } });
    expect(executor.executed.map((command) => command.id)).toEqual([claims.jti]);
    expect(await counted("checkpoint", "succeeded")).toBe(1);
    expect((await metrics.epoch.get()).values[0]!.value).toBe(3);
    expect(logLines.find((line) => line.event === "command.handled")).toMatchObject({ level: "info", id: claims.jti, kind: "checkpoint", epoch: 3, outcome: "succeeded" });
    expect(logLines.find((line) => line.event === "command.handled")!.durationMs).toEqual(expect.any(Number));
  });

  it("handles commands one at a time, in the order they were handed out", async () => {
    let release: () => void = () => {};
    executor.answer = (command) =>
      command.claims.epoch === 1
        ? new Promise((resolve) => (release = () => resolve({ status: "succeeded", output: { lsn: "1" }, error: null })))
        : Promise.resolve({ status: "succeeded", output: { lsn: "2" }, error: null });
    const first = signer.claims({ epoch: 1 });
    const second = signer.claims({ epoch: 2 });
    await offer(first);
    await offer(second);
    startLoop();
    await until(() => executor.executed.length === 1, "the first command to start");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(executor.executed).toHaveLength(1);
    release();
    await until(accepted(second.jti), "the second result");
    expect(controlPlane.posted.map((posted) => posted.id)).toEqual([first.jti, second.jti]);
  });

  it("keeps posting a result the control plane failed to take (5xx, then unreachable), without executing again", async () => {
    const claims = signer.claims();
    await offer(claims);
    controlPlane.answerResult = (_, index) => (index === 0 ? 503 : index === 1 ? 500 : 200);
    const ledger = CommandLedger.open(dir);
    startLoop(ledger);
    await until(() => controlPlane.posted.length >= 3, "three result posts");
    expect(resultsFor(claims.jti).map((result) => result.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(executor.executed).toHaveLength(1);
    expect(logLines).toContainEqual(expect.objectContaining({ event: "commands.unreachable", failure: "control_plane_unreachable" }));
    await until(() => ledger.find(claims.jti)?.delivered === true, "the ledger to record the delivery");
  });

  it("drops a result the control plane does not know (404) and goes on", async () => {
    const unknown = signer.claims();
    await offer(unknown);
    controlPlane.answerResult = (posted) => (posted.id === unknown.jti ? 404 : 200);
    const ledger = CommandLedger.open(dir);
    startLoop(ledger);
    await until(() => ledger.find(unknown.jti)?.delivered === true, "the result to be dropped");
    controlPlane.pending = [];
    expect(resultsFor(unknown.jti)).toHaveLength(1);
    expect(logLines).toContainEqual(expect.objectContaining({ event: "command.result_dropped", failure: "bug", status: 404 }));
    const next = signer.claims();
    await offer(next);
    await until(accepted(next.jti), "the next result");
  });

  it("answers a second copy of an executed command refused, with the original output, and does not execute it", async () => {
    const claims = signer.claims({ epoch: 2 });
    await offer(claims);
    startLoop();
    await until(accepted(claims.jti), "the first result");
    await offer(claims);
    await until(() => resultsFor(claims.jti).length === 2, "the second result");
    const [, second] = resultsFor(claims.jti);
    expect(second).toEqual({ status: "refused", output: { lsn: "1001" }, error: expect.stringMatching(new RegExp(`^command ${claims.jti} was already executed at .*; not executing it again$`)), agentEpoch: 2 });
    expect(executor.executed).toHaveLength(1);
    expect(await counted("checkpoint", "refused")).toBe(1);
  });

  it("refuses a command from an older epoch than one it executed", async () => {
    const newer = signer.claims({ epoch: 5 });
    const older = signer.claims({ epoch: 4, kind: "promote", args: {} });
    await offer(newer);
    startLoop();
    await until(accepted(newer.jti), "the first result");
    await offer(older);
    await until(accepted(older.jti), "the refusal");
    expect(resultsFor(older.jti)).toEqual([{ status: "refused", output: null, error: "stale epoch 4: this agent has seen epoch 5", agentEpoch: 5 }]);
    expect(executor.executed.map((command) => command.id)).toEqual([newer.jti]);
  });

  it("adopts the key statements a poll brings before its commands, and says in the next poll which one it holds", async () => {
    const next = await createTestSigner({ agentName: AGENT, replica: REPLICA });
    const statement = (by: TestSigner, generation: number, keys: TestSigner[]) =>
      by.sign({ iss: "switchyard", iat: Math.floor(Date.now() / 1000), generation, keys: keys.map((key) => ({ id: key.id, publicKey: key.publicKeyPem })) }, { alg: "EdDSA", typ: COMMAND_KEY_STATEMENT_TYPE, kid: by.id });
    controlPlane.keyStatements = [
      { generation: 1, token: await statement(signer, 1, [signer, next]) },
      { generation: 2, token: await statement(next, 2, [next]) },
    ];
    const byNext = signer.claims({ epoch: 2 });
    controlPlane.pending.push({ id: byNext.jti, token: await next.sign(byNext) });
    startLoop();
    await until(accepted(byNext.jti), "the result");
    expect(resultsFor(byNext.jti)).toEqual([expect.objectContaining({ status: "succeeded" })]);
    expect(keyRing.ids).toEqual([next.id]);
    await until(() => controlPlane.polls.length >= 2, "the next poll");
    expect(controlPlane.polls[1]!.url).toBe(`${COMMANDS_PATH}?waitSeconds=1&keyGeneration=2`);
    expect(logLines.filter((line) => line.event === "command_keys.changed").map((line) => line.generation)).toEqual([1, 2]);

    const byRetired = signer.claims({ epoch: 2 });
    controlPlane.pending.push({ id: byRetired.jti, token: await signer.sign(byRetired) });
    await until(accepted(byRetired.jti), "the refusal");
    expect(resultsFor(byRetired.jti)).toEqual([expect.objectContaining({ status: "refused", error: expect.stringMatching(/^the command is signed with key .*, which this agent does not trust/) })]);
    expect(executor.executed.map((command) => command.id)).toEqual([byNext.jti]);
  });

  it("refuses a command it cannot verify, without executing it", async () => {
    const claims = signer.claims({ kind: "promote", args: {}, epoch: 9 });
    const other = await createTestSigner({ agentName: AGENT, replica: REPLICA });
    controlPlane.pending.push({ id: claims.jti, token: await other.sign(claims, { alg: "EdDSA", kid: signer.id }) });
    startLoop();
    await until(accepted(claims.jti), "the refusal");
    expect(resultsFor(claims.jti)).toEqual([{ status: "refused", output: null, error: "the command's signature does not verify against the control plane's key its kid names", agentEpoch: 0 }]);
    expect(executor.executed).toEqual([]);
    expect(await counted("promote", "refused")).toBe(1);
    expect(logLines.find((line) => line.event === "command.handled")).toMatchObject({ level: "warn", epoch: 9, outcome: "refused" });
  });

  it("answers an executor's exception as failed and goes on", async () => {
    executor.answer = async (command) => {
      if (command.claims.epoch === 1) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      return { status: "succeeded", output: { lsn: "5" }, error: null };
    };
    const broken = signer.claims({ epoch: 1 });
    await offer(broken);
    startLoop();
    await until(accepted(broken.jti), "the failure");
    expect(resultsFor(broken.jti)[0]).toMatchObject({ status: "failed", error: "connect ECONNREFUSED 127.0.0.1:5432" });
    const next = signer.claims({ epoch: 2 });
    await offer(next);
    await until(accepted(next.jti), "the next result");
    expect(resultsFor(next.jti)[0]!.status).toBe("succeeded");
  });

  it("turns an output the contract refuses into a failure", async () => {
    executor.answer = async () => ({ status: "succeeded", output: { lsn: "0/3000060" }, error: null });
    const claims = signer.claims();
    await offer(claims);
    startLoop();
    await until(accepted(claims.jti), "the result");
    expect(resultsFor(claims.jti)[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/invalid checkpoint output/) });
    expect(logLines).toContainEqual(expect.objectContaining({ event: "command.invalid_output", failure: "bug" }));
  });

  it("after a restart, posts what it could not deliver before polling, including a command cut off mid-execution", async () => {
    const ledger = CommandLedger.open(dir);
    const cutOff = signer.claims({ epoch: 2 });
    ledger.admit({ id: cutOff.jti, kind: "checkpoint", args: {}, claims: cutOff });
    startLoop(CommandLedger.open(dir));
    await until(accepted(cutOff.jti), "the interrupted command's answer");
    expect(resultsFor(cutOff.jti)).toEqual([{ status: "failed", output: null, error: RESTARTED_WHILE_EXECUTING, agentEpoch: 2 }]);
    expect(executor.executed).toEqual([]);
    expect(logLines).toContainEqual(expect.objectContaining({ event: "command.interrupted", id: cutOff.jti }));
  });

  it("polls a server that does not hold the long-poll at most once a second", async () => {
    controlPlane.holdMs = 0;
    startLoop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(controlPlane.polls.length).toBeGreaterThanOrEqual(1);
    expect(controlPlane.polls.length).toBeLessThanOrEqual(2);
  });

  it("reports at once when a poll asks for it, and polls again without the empty poll's pause", async () => {
    controlPlane.holdMs = 0;
    controlPlane.reportNow = (index) => index === 0;
    startLoop();
    await until(() => controlPlane.polls.length >= 2, "the second poll");
    expect(reportsAsked).toBe(1);
    // An empty answer that asks for nothing is followed by a pause of a second (the test above); this one by none.
    expect(controlPlane.pollTimes[1]! - controlPlane.pollTimes[0]!).toBeLessThan(900);
  });

  it("reports after each command it executed, which changed what it reports", async () => {
    const claims = signer.claims({ kind: "checkpoint", epoch: 3 });
    await offer(claims);
    startLoop();
    await until(accepted(claims.jti), "the result");
    expect(reportsAsked).toBe(1);
  });

  it("retries a poll the control plane failed, and stops promptly in the middle of a long-poll", async () => {
    controlPlane.answerPoll = (index) => (index < 2 ? 502 : 200);
    startLoop();
    await until(() => controlPlane.polls.length >= 4, "polls after the failures");
    expect(logLines).toContainEqual(expect.objectContaining({ event: "commands.recovered" }));
    const started = Date.now();
    await loop!.stop();
    loop = null;
    expect(Date.now() - started).toBeLessThan(500);
  });
});
