import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { GET as listRoute } from "@/app/api/v1/runbooks/route";
import { POST as confirmRoute } from "@/app/api/v1/runs/[id]/steps/[stepId]/confirm/route";
import { runbookListSchema } from "@/contracts/runbook-api";
import { runSchema } from "@/contracts/runs";
import { verifyHookSignature } from "@/core/hooks/hook-signature";
import { registerAgent } from "@/server/agents/register-agent";
import type { AgentPrincipal } from "@/server/agents/resolve-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { automationControls } from "@/server/automation-snapshot/automation-controls";
import { db } from "@/server/db/client";
import { recordCommandResult } from "@/server/commands/record-command-result";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import { acquireLease } from "@/server/lease/lease";
import { executorTick } from "@/server/executor/run-executor";
import { runView } from "@/server/runs/run-view";
import { createRun } from "@/server/runs/start-run";
import type { AgentReport } from "@/contracts/agent-reports";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { answerEveryStep } from "../support/fake-agents";
import { batchOf, primaryOverrides, standbyReport } from "../support/reports";

/**
 * Runbook hooks through the real engine: a receiver that checks the
 * signature of every call, http steps that retry and fail by their policy,
 * runbooks naming what the hooks configuration lacks, and a pre-failover
 * gate that refuses a switchover before anything changed.
 */

const SECRET = "receiver-secret-0123456789-abcdefghij";
let folder: string;
let operator: string;
let receiver: Server;
let base: string;
const principals: Record<string, AgentPrincipal> = {};
const seqs: Record<string, number> = {};

interface Received {
  path: string;
  body: Record<string, unknown>;
  signature: ReturnType<typeof verifyHookSignature>;
  delivery: string | undefined;
}
const received: Received[] = [];
/** How the receiver answers each call, in turn (the last one repeats); `hang` never answers in time. */
let answers: ({ status: number; body?: string } | "hang")[] = [];

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of ["pg-us-east-1", "pg-eu-west-1", "pg-europe-west3"]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const { agent } = await registerAgent({ replicaId: replica.id, name: `hooks-agent-${name}` }, SYSTEM_ACTOR);
    principals[name] = { type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" };
  }
  operator = await tokenFor((await createTestUser("hooks-operator@example.com", ["operator"])).id);
  receiver = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      const header = (name: string) => request.headers[name] as string | undefined;
      const signature = verifyHookSignature(SECRET, { timestamp: header("x-switchyard-timestamp"), signature: header("x-switchyard-signature") }, text, new Date());
      received.push({ path: request.url ?? "", body: JSON.parse(text), signature, delivery: header("x-switchyard-delivery") });
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (answer === "hang") {
        setTimeout(() => response.writeHead(200).end(), 3000).unref();
        return;
      }
      response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  folder = mkdtempSync(path.join(os.tmpdir(), "runbooks-hooks-"));
  cpSync("runbooks", path.join(folder, "runbooks"), { recursive: true });
  writeFileSync(
    path.join(folder, "runbooks", "tell-the-world.yaml"),
    `id: tell-the-world
title: Tell the world
description: Calls the audit receiver.
parameters:
  service: { type: service, description: s }
  reason: { type: text, description: why }
steps:
  - { id: tell, kind: http, title: Tell the receiver, endpoint: audit-log, retry: { attempts: 3, backoffSeconds: 0 } }
`,
  );
  writeFileSync(
    path.join(folder, "runbooks", "ask-the-slow-one.yaml"),
    `id: ask-the-slow-one
title: Ask the slow one
description: Calls a receiver that takes too long.
parameters:
  service: { type: service, description: s }
  reason: { type: text, description: why }
steps:
  - { id: ask, kind: http, title: Ask the slow receiver, endpoint: slow }
`,
  );
  writeFileSync(
    path.join(folder, "runbooks", "repoint-bouncers.yaml"),
    `id: repoint-bouncers
title: Re-point the bouncers
description: Has the target's agent run its PgBouncer script.
parameters:
  service: { type: service, description: s }
  to_region: { type: region, description: where }
  reason: { type: text, description: why }
steps:
  - id: bouncer
    kind: script
    title: Point PgBouncer at the target
    target: target
    script: pgbouncer-repoint
    args:
      host: { fact: target.host }
      port: { fact: target.port }
      why: { param: reason }
`,
  );
  writeFileSync(
    path.join(folder, "runbooks", "names-the-unknown.yaml"),
    `id: names-the-unknown
title: Names the unknown
description: Its hooks are not configured.
parameters:
  service: { type: service, description: s }
steps:
  - { id: check, kind: check, title: Check, condition: primary-reachable }
  - { id: call-nowhere, kind: http, title: Call nowhere, endpoint: nowhere }
`,
  );
  writeFileSync(
    path.join(folder, "hooks.yaml"),
    `endpoints:
  audit-log: { url: "${base}/audit", secret: "${SECRET}" }
  change-freeze: { url: "${base}/gate", secretEnv: HOOKS_TEST_SECRET, expectStatus: [200] }
  slow: { url: "${base}/slow", secret: "${SECRET}", timeoutSeconds: 0.2 }
scripts:
  pgbouncer-repoint: { description: Points PgBouncer at the new primary }
gates:
  orders-db:
    pre-failover: { endpoint: change-freeze }
`,
  );
  process.env.HOOKS_TEST_SECRET = SECRET;
  process.env.SWITCHYARD_RUNBOOKS_DIR = path.join(folder, "runbooks");
  process.env.SWITCHYARD_HOOKS_FILE = path.join(folder, "hooks.yaml");
});

afterAll(async () => {
  delete process.env.SWITCHYARD_RUNBOOKS_DIR;
  delete process.env.SWITCHYARD_HOOKS_FILE;
  delete process.env.HOOKS_TEST_SECRET;
  rmSync(folder, { recursive: true, force: true });
  await new Promise((resolve) => receiver.close(resolve));
});

async function report(name: string, overrides: Partial<AgentReport>) {
  seqs[name] = (seqs[name] ?? 0) + 1;
  await ingestBatch(principals[name]!, batchOf([standbyReport(seqs[name]!, overrides)]));
}

beforeEach(async () => {
  await db().run.updateMany({ where: { activeForServiceId: { not: null } }, data: { activeForServiceId: null, status: "aborted" } });
  await db().agentCommand.updateMany({ where: { status: { in: ["pending", "delivered"] } }, data: { status: "expired" } });
  await db().lease.deleteMany({ where: { name: "run-executor" } });
  received.length = 0;
  answers = [{ status: 200 }];
  const current = "1000";
  await report("pg-us-east-1", primaryOverrides(current));

  for (const standby of ["pg-eu-west-1", "pg-europe-west3"]) await report(standby, { lsn: { current: null, received: current, replayed: current }, lag: { bytes: 0, seconds: 0 } });
});

const tick = () =>
  executorTick("hooks-test", (line) => {
    throw new Error(line);
  });

async function startRun(runbook: string, params: Record<string, string>) {
  const started = await call(startRoute, { method: "POST", token: operator, params: { id: runbook }, body: { params } });
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  return runSchema.parse(started.json).id;
}

describe("an http step", () => {
  it("posts a signed call the receiver verifies, and records the answer in the step output and the audit trail", async () => {
    answers = [{ status: 202, body: '{"ok":true}' }];
    const runId = await startRun("tell-the-world", { service: "orders-db", reason: "hook test" });
    await tick();
    const run = await runView(runId);
    expect(run.status).toBe("succeeded");
    const epoch = (await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).epoch;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      path: "/audit",
      signature: { valid: true },
      delivery: expect.stringMatching(new RegExp(`^${runId}:tell:1$`)),
      body: { run: runId, runbook: "tell-the-world", step: "tell", attempt: 1, gate: null, service: "orders-db", epoch, parameters: { service: "orders-db", reason: "hook test" } },
    });
    expect(received[0]!.body.primary).toMatchObject({ name: "pg-us-east-1", region: "aws:us-east-1" });
    expect(run.steps[0]).toMatchObject({ state: "succeeded", output: { endpoint: "audit-log", status: 202, body: '{"ok":true}' } });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { runId, action: "run.step", details: { path: ["state"], equals: "succeeded" } } });
    expect(audit.details).toMatchObject({ rule: "endpoint-answered", output: { status: 202, body: '{"ok":true}' } });
  });

  it("retries a receiver that answers 5xx, by the step's retry policy, and succeeds when it recovers", async () => {
    answers = [{ status: 503, body: "busy" }, { status: 502 }, { status: 200 }];
    const runId = await startRun("tell-the-world", { service: "orders-db", reason: "hook test" });
    await tick();
    const run = await runView(runId);
    expect(run.status).toBe("succeeded");
    expect(run.steps[0]).toMatchObject({ attempts: 3, output: { status: 200 } });
    expect(received.map((call) => call.delivery)).toEqual([`${runId}:tell:1`, `${runId}:tell:2`, `${runId}:tell:3`]);
    expect(received.every((call) => call.signature.valid)).toBe(true);
    const retries = await db().auditEvent.findMany({ where: { runId, action: "run.step", details: { path: ["state"], equals: "retrying" } }, orderBy: { seq: "asc" } });
    expect(retries.map((event) => event.reason)).toEqual(["audit-log answered 503: busy", "audit-log answered 502"]);
  });

  it("fails the run once a 5xx outlasts the retries, with the receiver's answer recorded", async () => {
    answers = [{ status: 500, body: '{"message":"database down"}' }];
    const runId = await startRun("tell-the-world", { service: "orders-db", reason: "hook test" });
    await tick();
    const run = await runView(runId);
    expect(run).toMatchObject({ status: "failed", error: "Tell the receiver: audit-log answered 500: database down" });
    expect(run.steps[0]).toMatchObject({ state: "failed", attempts: 3, output: { status: 500, body: '{"message":"database down"}' } });
    expect(received).toHaveLength(3);
  });

  it("fails a receiver that does not answer within the endpoint's timeout", async () => {
    answers = ["hang"];
    const runId = await startRun("ask-the-slow-one", { service: "orders-db", reason: "hook test" });
    await tick();
    const run = await runView(runId);
    expect(run).toMatchObject({ status: "failed", error: "Ask the slow receiver: slow could not be reached: no answer within 0.2 s" });
    expect(run.steps[0]).toMatchObject({ state: "failed", output: { endpoint: "slow", unreachable: "no answer within 0.2 s" } });
  });
});

describe("a script step", () => {
  it("sends the target's agent a signed, epoch-stamped script command naming the script, with argv from the run, and records its output", async () => {
    const runId = await startRun("repoint-bouncers", { service: "orders-db", to_region: "aws:eu-west-1", reason: "dns; rm -rf / $(x)" });
    await tick();
    const command = await db().agentCommand.findFirstOrThrow({ where: { runId }, include: { agent: { include: { replica: true } } } });
    const target = command.agent.replica;
    const service = await db().service.findUniqueOrThrow({ where: { id: "orders-db" } });
    expect(target.name).toBe("pg-eu-west-1");
    expect(decodeJwt(command.token)).toMatchObject({
      kind: "script",
      epoch: service.epoch,
      args: { name: "pgbouncer-repoint", argv: [`--host=${target.host}`, `--port=${target.port}`, "--why=dns; rm -rf / $(x)"], timeoutSeconds: 55 },
    });
    const output = { exitCode: 1, signal: null, stdout: "", stderr: "PgBouncer is not running: no pid file /run/pgbouncer.pid\n", truncated: false, durationMs: 4 };
    // The agent's answer, as its ScriptRunner gives it for a script that exits 1.
    const agent = { type: "agent" as const, agentId: command.agentId, name: command.agent.name, replicaId: command.agent.replicaId, serviceId: command.serviceId };
    await recordCommandResult(agent, command.id, {
      status: "failed",
      output,
      error: "script pgbouncer-repoint exited with 1: PgBouncer is not running: no pid file /run/pgbouncer.pid",
      agentEpoch: command.epoch,
    });
    await tick();
    const run = await runView(runId);
    expect(run).toMatchObject({ status: "failed", error: "Point PgBouncer at the target: pg-eu-west-1: failed (script pgbouncer-repoint exited with 1: PgBouncer is not running: no pid file /run/pgbouncer.pid)" });
    expect(run.steps[0]).toMatchObject({ state: "failed", output: { "pg-eu-west-1": output } });
  });
});

describe("a runbook naming hooks that are not configured", () => {
  it("is refused at load, naming the file and the step, and cannot be started", async () => {
    const list = runbookListSchema.parse((await call(listRoute, { token: operator })).json);
    expect(list.problems).toEqual([
      { file: "names-the-unknown.yaml", field: "steps.1.endpoint", message: "steps.1.endpoint: step call-nowhere: no endpoint nowhere is configured in the hooks configuration" },
    ]);
    expect(list.runbooks.map((runbook) => runbook.id)).not.toContain("names-the-unknown");
    const started = await call(startRoute, { method: "POST", token: operator, params: { id: "names-the-unknown" }, body: { params: { service: "orders-db" } } });
    expect(started.status).toBe(404);
  });
});

describe("a pre-failover gate", () => {
  const switchover = { service: "orders-db", to_region: "aws:eu-west-1", reason: "gate test" };

  async function untilGate(runId: string) {
    await tick();
    expect((await call(confirmRoute, { method: "POST", token: operator, params: { id: runId, stepId: "confirm" }, body: {} })).status).toBe(200);
    await tick();
  }

  it("that refuses aborts the switchover before the primary is fenced, with the gate's message on the run", async () => {
    answers = [{ status: 409, body: '{"message":"change freeze until 23:00"}' }];
    const before = await db().service.findUniqueOrThrow({ where: { id: "orders-db" } });
    const runId = await startRun("planned-switchover", switchover);
    await untilGate(runId);

    const run = await runView(runId);
    expect(run).toMatchObject({ status: "aborted", error: "The service's pre-failover gate allows it (skipped when none is configured): change-freeze answered 409: change freeze until 23:00" });
    expect(run.steps.find((step) => step.stepId === "pre-failover-gate")).toMatchObject({ state: "failed", output: { endpoint: "change-freeze", status: 409 } });
    expect(run.steps.find((step) => step.stepId === "fence-primary")).toMatchObject({ state: "pending", attempts: 0 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: "/gate", signature: { valid: true }, body: { gate: "pre-failover", step: "pre-failover-gate", target: { name: "pg-eu-west-1" } } });
    // Nothing changed: no command issued, the same epoch and write route.
    expect(await db().agentCommand.count({ where: { runId } })).toBe(0);
    expect(await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).toMatchObject({ epoch: before.epoch, writeReplicaId: before.writeReplicaId });
    expect(await db().auditEvent.findFirst({ where: { runId, action: "run.finish" } })).toMatchObject({ outcome: "failure", after: { status: "aborted" } });
  });

  it("that allows lets the switchover go on to fence the primary", async () => {
    answers = [{ status: 200, body: "go" }];
    const runId = await startRun("planned-switchover", switchover);
    await untilGate(runId);
    const run = await runView(runId);
    expect(run.status).toBe("running");
    expect(run.steps.find((step) => step.stepId === "pre-failover-gate")).toMatchObject({ state: "succeeded", output: { status: 200, body: "go" } });
    expect(await db().agentCommand.findFirst({ where: { runId, kind: "fence" } })).not.toBeNull();
    await answerEveryStep();
  });

  it("is honoured by an automatic run", async () => {
    answers = [{ status: 403, body: "not now" }];
    const lease = await acquireLease("automation", "hooks-test-decider", 30_000);
    if (!lease.held) throw new Error("the test could not take the decider lease");
    const runId = await createRun("planned-switchover", switchover, {
      type: "automation",
      mode: "automatic",
      lease: { name: "automation", holder: "hooks-test-decider", token: lease.token },
      ruleId: "test",
      sentence: "a test of gates in automatic runs",
    });
    await tick();
    const run = await runView(runId);
    expect(run).toMatchObject({ mode: "automatic", status: "aborted", error: expect.stringMatching(/change-freeze answered 403: not now$/) });
    expect(run.steps.find((step) => step.stepId === "confirm")).toMatchObject({ state: "succeeded", output: { answeredBy: "policy" } });
    expect(await db().agentCommand.count({ where: { runId } })).toBe(0);
    // The decider reads the refusal, and holds the next automatic failover for the cooldown (core/automation rule failover-gate-refused).
    const controls = (await automationControls(["orders-db"], new Date()))("orders-db");
    expect(controls.gateRefusal).toMatchObject({ runId, error: expect.stringMatching(/not now$/) });
    await db().lease.deleteMany({ where: { name: "automation", holder: "hooks-test-decider" } });
  });
});
