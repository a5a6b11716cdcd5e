import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { POST as abortRoute } from "@/app/api/v1/runs/[id]/abort/route";
import { POST as confirmRoute } from "@/app/api/v1/runs/[id]/steps/[stepId]/confirm/route";
import { runSchema } from "@/contracts/runs";
import { db } from "@/server/db/client";
import type { Tx } from "@/server/db/transaction";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { applyMove, moveRun, planMove } from "@/server/runs/advance-run";
import { MovedMeanwhile } from "@/server/runs/run-writes";
import { EXECUTOR_LEASE } from "@/server/executor/run-executor";
import { runView } from "@/server/runs/run-view";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";

/**
 * Each race is played out in a fixed order: the engine reads and decides
 * (planMove), another writer gets in, then the engine writes what it decided
 * (applyMove). The engine's write must find the state it decided on gone and
 * leave the other writer's result alone.
 */

let folder: string;
let operator: string;
let lease: HeldLease;

beforeAll(async () => {
  await seedDemoTopology(db());
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  folder = mkdtempSync(path.join(os.tmpdir(), "runbooks-races-"));
  writeFileSync(
    path.join(folder, "confirm-only.yaml"),
    `id: confirm-only
title: Confirm only
description: One manual step, due within a second.
parameters:
  service: { type: service, description: s }
  reason: { type: text, description: why }
steps:
  - { id: confirm, kind: manual, title: Confirm, prompt: Go ahead?, timeoutSeconds: 1 }
`,
  );
  process.env.SWITCHYARD_RUNBOOKS_DIR = folder;
});

afterAll(() => {
  delete process.env.SWITCHYARD_RUNBOOKS_DIR;
  rmSync(folder, { recursive: true, force: true });
});

beforeEach(async () => {
  await db().run.updateMany({ where: { activeForServiceId: { not: null } }, data: { activeForServiceId: null, status: "aborted" } });
  const grant = await acquireLease(EXECUTOR_LEASE, "race-test", 60_000);
  if (!grant.held) throw new Error("the executor lease is taken");
  lease = { name: EXECUTOR_LEASE, holder: "race-test", token: grant.token };
});

async function start() {
  const started = await call(startRoute, { method: "POST", token: operator, params: { id: "confirm-only" }, body: { params: { service: "orders-db", reason: "race test" } } });
  expect(started.status).toBe(201);
  return runSchema.parse(started.json).id;
}

const confirm = (runId: string) => call(confirmRoute, { method: "POST", token: operator, params: { id: runId, stepId: "confirm" }, body: { note: "go" } });
const abort = (runId: string) => call(abortRoute, { method: "POST", token: operator, params: { id: runId }, body: { reason: "changed my mind" } });

/** Moves the run until it waits for the person's confirmation. */
async function waitingForConfirmation() {
  const runId = await start();
  while (await moveRun(runId, lease));
  expect((await runView(runId)).steps[0]?.state).toBe("waiting");
  return runId;
}

/** Until another connection waits for a row lock (the abort's update, behind the test's transaction). */
async function blockedOnALock() {
  for (let i = 0; i < 100; i++) {
    const [row] = await db().$queryRaw<{ waiting: number }[]>`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (row && row.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the abort never queued behind the run's row lock");
}

/** The run's and its steps' row versions: PostgreSQL gives a row a new xmin on every write, even of the values it had. */
const rowVersions = (runId: string) =>
  db().$queryRaw<{ id: string; version: string }[]>`SELECT id, xmin::text AS version FROM "Run" WHERE id = ${runId} UNION ALL SELECT id, xmin::text FROM "StepRun" WHERE "runId" = ${runId} ORDER BY id`;

/** Confirms while the test holds the run's row: the confirmation has read the step and waits; `meanwhile` writes before it goes on. */
async function confirmAcross(runId: string, meanwhile: (tx: Tx) => Promise<unknown>) {
  let confirmed: ReturnType<typeof confirm> | undefined;
  await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "Run" WHERE id = ${runId} FOR UPDATE`;
    confirmed = confirm(runId);
    await blockedOnALock();
    await meanwhile(tx);
  });
  return confirmed!;
}

const stepEvents = (runId: string, state: string) =>
  db()
    .auditEvent.findMany({ where: { runId, action: "run.step" } })
    .then((events) => events.filter((event) => (event.details as { state: string }).state === state));

describe("an abort racing the engine's finish", () => {
  it("keeps the abort: the finish decided on a running run is not written over it", async () => {
    const runId = await waitingForConfirmation();
    expect((await confirm(runId)).status).toBe(200);
    const finish = await planMove(runId, new Date());
    expect(finish).toMatchObject({ kind: "run", move: { kind: "finish", rule: "every-step-done", to: "succeeded" } });

    expect((await abort(runId)).status).toBe(200);
    await expect(applyMove(finish!, lease, new Date())).rejects.toThrow(MovedMeanwhile);

    expect(await runView(runId)).toMatchObject({ status: "aborted", error: "aborted by operator@example.com: changed my mind" });
    expect(await db().auditEvent.count({ where: { runId, action: "run.finish" } })).toBe(0);
    // Decided again, there is nothing left to do.
    expect(await moveRun(runId, lease)).toBe(false);
    expect((await runView(runId)).status).toBe("aborted");
  });

  it("answers the abort 409 once the run has finished", async () => {
    const runId = await waitingForConfirmation();
    expect((await confirm(runId)).status).toBe(200);
    await moveRun(runId, lease);
    expect((await runView(runId)).status).toBe("succeeded");
    const late = await abort(runId);
    expect(late.status).toBe(409);
    expect((await runView(runId)).status).toBe("succeeded");
  });

  it("answers the abort 409 when the run finishes between the abort's read and its write", async () => {
    const runId = await waitingForConfirmation();
    expect((await confirm(runId)).status).toBe(200);
    let aborted: ReturnType<typeof abort> | undefined;
    // The engine's finish holds the run row while the abort reads the run as running and queues behind it.
    await db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "Run" WHERE id = ${runId} FOR UPDATE`;
      aborted = abort(runId);
      await blockedOnALock();
      await tx.run.update({ where: { id: runId }, data: { status: "succeeded", finishedAt: new Date(), activeForServiceId: null } });
    });
    const answer = await aborted!;
    expect(answer.status).toBe(409);
    expect(answer.json.error.message).toMatch(/changed meanwhile/);
    expect(await runView(runId)).toMatchObject({ status: "succeeded", error: null });
    expect(await db().auditEvent.count({ where: { runId, action: "run.abort" } })).toBe(0);
  });
});

describe("a person's confirmation racing the step's deadline", () => {
  it("keeps the confirmation: the timeout decided on the waiting step is dropped and the run is decided again", async () => {
    const runId = await waitingForConfirmation();
    const afterDeadline = new Date(Date.now() + 5_000);
    const timeout = await planMove(runId, afterDeadline);
    expect(timeout).toMatchObject({ kind: "step", move: { rule: "nobody-decided", from: "waiting", to: "failed" } });

    expect((await confirm(runId)).status).toBe(200);
    await expect(applyMove(timeout!, lease, afterDeadline)).rejects.toThrow(MovedMeanwhile);

    expect((await runView(runId)).steps[0]).toMatchObject({ state: "succeeded", decidedBy: "operator@example.com", error: null });
    expect(await stepEvents(runId, "failed")).toHaveLength(0);
    expect(await moveRun(runId, lease, afterDeadline)).toBe(false);
    expect((await runView(runId)).status).toBe("succeeded");
  });

  it("answers the confirmation 409 once the deadline has failed the step", async () => {
    const runId = await waitingForConfirmation();
    const afterDeadline = new Date(Date.now() + 5_000);
    await moveRun(runId, lease, afterDeadline);
    expect((await runView(runId)).steps[0]).toMatchObject({ state: "failed", error: "nobody confirmed within 1 s" });
    const late = await confirm(runId);
    expect(late.status).toBe(409);
    expect((await runView(runId)).steps[0]).toMatchObject({ state: "failed", decidedBy: null });
  });
});

describe("a person's confirmation racing the engine's re-check of the waiting step", () => {
  it("keeps the confirmation: a re-check that finds the step still waiting writes nothing, so it cannot move what the confirmation compares against", async () => {
    const runId = await waitingForConfirmation();
    const before = await rowVersions(runId);
    expect(await planMove(runId, new Date())).toBeNull();
    expect(await moveRun(runId, lease)).toBe(false);
    expect(await rowVersions(runId)).toEqual(before);
    expect(await stepEvents(runId, "waiting")).toHaveLength(1);

    const confirmed = await confirm(runId);
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    while (await moveRun(runId, lease));
    expect(await runView(runId)).toMatchObject({ status: "succeeded", steps: [{ state: "succeeded", decidedBy: "operator@example.com" }] });
  });

  it("keeps the confirmation when engine ticks re-check and move the run at the same time", async () => {
    const runId = await waitingForConfirmation();
    const [confirmed] = await Promise.all([confirm(runId), moveRun(runId, lease), moveRun(runId, lease), moveRun(runId, lease)]);
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    while (await moveRun(runId, lease));
    expect(await runView(runId)).toMatchObject({ status: "succeeded", steps: [{ state: "succeeded", decidedBy: "operator@example.com" }] });
    expect(await db().auditEvent.count({ where: { runId, action: "run.finish" } })).toBe(1);
  });

  it("keeps the confirmation when the step's row is written meanwhile with the state and attempt it was decided on", async () => {
    const runId = await waitingForConfirmation();
    const confirmed = await confirmAcross(runId, (tx) => tx.stepRun.updateMany({ where: { runId }, data: { state: "waiting" } }));
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    expect((await runView(runId)).steps[0]).toMatchObject({ state: "succeeded", decidedBy: "operator@example.com" });
  });

  it("answers the confirmation 409 when the step started another attempt between its read and its write", async () => {
    const runId = await waitingForConfirmation();
    const confirmed = await confirmAcross(runId, (tx) => tx.stepRun.updateMany({ where: { runId }, data: { attempts: 2, deadlineAt: new Date(Date.now() + 60_000) } }));
    expect(confirmed.status).toBe(409);
    expect(confirmed.json.error.message).toBe("Step confirm moved on meanwhile (decided, timed out or retried): look at the run again.");
    expect((await runView(runId)).steps[0]).toMatchObject({ state: "waiting", attempts: 2, decidedBy: null });
  });
});

describe("a person's confirmation racing an abort", () => {
  it("answers the confirmation 409 when the run is aborted between its read and its write", async () => {
    const runId = await waitingForConfirmation();
    let confirmed: ReturnType<typeof confirm> | undefined;
    // The abort holds the run row while the confirmation reads the step as waiting and queues behind it.
    await db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "Run" WHERE id = ${runId} FOR UPDATE`;
      confirmed = confirm(runId);
      await blockedOnALock();
      await tx.run.update({ where: { id: runId }, data: { status: "aborted", finishedAt: new Date(), activeForServiceId: null, error: "aborted by someone else" } });
    });
    const answer = await confirmed!;
    expect(answer.status).toBe(409);
    expect(answer.json.error.message).toBe("Step confirm is not waiting for a decision (run aborted).");
    expect((await runView(runId)).steps[0]).toMatchObject({ state: "waiting", decidedBy: null });
  });
});

describe("two executors moving the same run", () => {
  it("starts the step's attempt once: the second executor's identical decision finds it started", async () => {
    const runId = await start();
    const now = new Date();
    const [first, second] = [await planMove(runId, now), await planMove(runId, now)];
    expect(first).toMatchObject({ kind: "step", move: { rule: "start-attempt", from: "pending", to: "running" } });
    expect(second).toMatchObject({ kind: "step", move: { rule: "start-attempt", from: "pending", to: "running" } });

    expect(await applyMove(first!, lease, now)).toEqual({ moved: true });
    await expect(applyMove(second!, lease, now)).rejects.toThrow(MovedMeanwhile);

    expect((await runView(runId)).steps[0]).toMatchObject({ state: "running", attempts: 1 });
    expect(await stepEvents(runId, "running")).toHaveLength(1);
  });

  it("moves the run once when both move it at the same time", async () => {
    const runId = await start();
    await Promise.all([moveRun(runId, lease), moveRun(runId, lease)]);
    while (await moveRun(runId, lease));
    expect((await runView(runId)).steps[0]).toMatchObject({ state: "waiting", attempts: 1 });
    expect(await stepEvents(runId, "running")).toHaveLength(1);
    expect(await stepEvents(runId, "waiting")).toHaveLength(1);
  });
});
