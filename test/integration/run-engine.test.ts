import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { POST as abortRoute } from "@/app/api/v1/runs/[id]/abort/route";
import { GET as listRunsRoute } from "@/app/api/v1/runs/route";
import { POST as approveRoute } from "@/app/api/v1/runs/[id]/steps/[stepId]/approve/route";
import { POST as confirmRoute } from "@/app/api/v1/runs/[id]/steps/[stepId]/confirm/route";
import type { AgentCommandKind } from "@/contracts/agent-commands";
import type { AgentReport } from "@/contracts/agent-reports";
import { runSchema, type RunView } from "@/contracts/runs";
import { registerAgent } from "@/server/agents/register-agent";
import type { AgentPrincipal } from "@/server/agents/resolve-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import { LeaseLostError } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { applyMove, moveRun, planMove } from "@/server/runs/advance-run";
import { MovedMeanwhile } from "@/server/runs/run-writes";
import { EXECUTOR_LEASE, executorTick } from "@/server/executor/run-executor";
import { runView } from "@/server/runs/run-view";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { answerCommands, answerEveryStep, everyStepAnswer } from "../support/fake-agents";
import { batchOf, primaryOverrides, standbyReport } from "../support/reports";
import { sampleValue, scrape } from "../support/scrape";

const principals: Record<string, AgentPrincipal> = {};
const seqs: Record<string, number> = {};
let operator: { id: string; token: string };
let approver: { id: string; token: string };
const failOnError = (line: string) => {
  throw new Error(`executor: ${line}`);
};

async function report(name: string, overrides: Partial<AgentReport>) {
  seqs[name] = (seqs[name] ?? 0) + 1;
  await ingestBatch(principals[name]!, batchOf([standbyReport(seqs[name]!, overrides)]));
}

const STANDBY = (replayed: string, lagBytes = 0): Partial<AgentReport> => ({ lsn: { current: null, received: replayed, replayed }, lag: { bytes: lagBytes, seconds: 0 } });

async function healthyTopology(replayed = "1000") {
  await report("pg-us-east-1", primaryOverrides(replayed));
  await report("pg-eu-west-1", STANDBY(replayed));
  await report("pg-europe-west3", STANDBY(replayed));
}

const holder = "test-copy";
const tick = () => executorTick(holder, failOnError);

async function start(runbook: string, params: Record<string, string>, token = operator.token) {
  return call(startRoute, { method: "POST", token, params: { id: runbook }, body: { params } });
}

async function stepState(runId: string, stepId: string) {
  return (await runView(runId)).steps.find((step) => step.stepId === stepId)?.state;
}

/** Every command answered as usual, except the fence, which reports `finalLsn`. */
const answerFencingAt = (finalLsn: string) =>
  answerCommands((kind, replica) => (kind === "fence" ? { status: "succeeded", output: { finalLsn, terminatedSessions: 0 } } : everyStepAnswer(kind, replica)));

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of ["pg-us-east-1", "pg-eu-west-1", "pg-europe-west3"]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const { agent } = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    principals[name] = { type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" };
  }
  const op = await createTestUser("operator@example.com", ["operator", "approver"]);
  operator = { id: op.id, token: await tokenFor(op.id) };
  const ap = await createTestUser("approver@example.com", ["approver"]);
  approver = { id: ap.id, token: await tokenFor(ap.id) };
});

beforeEach(async () => {
  // Every test starts from the seeded topology with no active run.
  await db().run.updateMany({ where: { activeForServiceId: { not: null } }, data: { activeForServiceId: null, status: "aborted" } });
  const us = principals["pg-us-east-1"]!.replicaId;
  await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: us } });
  await db().replica.updateMany({ where: { serviceId: "orders-db" }, data: { role: "standby" } });
  await db().replica.update({ where: { id: us }, data: { role: "primary" } });
  await db().agentCommand.updateMany({ where: { status: { in: ["pending", "delivered"] } }, data: { status: "expired" } });
  await db().lease.deleteMany({ where: { name: "run-executor" } });
  await healthyTopology();
});

describe("a planned switchover, driven by the engine", () => {
  it("fences, waits for the target to replay the final LSN, promotes with a new epoch, re-points, routes and verifies", async () => {
    const started = await start("planned-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "planned maintenance" });
    expect(started.status).toBe(201);
    const runId = runSchema.parse(started.json).id;
    const epochBefore = (await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).epoch;

    await tick();
    expect(await stepState(runId, "confirm")).toBe("waiting");
    expect((await call(confirmRoute, { method: "POST", token: operator.token, params: { id: runId, stepId: "confirm" }, body: { note: "go" } })).status).toBe(200);

    await tick();
    expect(await stepState(runId, "fence-primary")).toBe("waiting");
    await answerEveryStep();
    await tick();
    expect((await runView(runId)).fencedLsn).toBe("5000");
    expect(await stepState(runId, "wait-caught-up")).toBe("waiting");

    // The target catches up with the fenced primary's final position, and the primary sees it flushed.
    await report("pg-eu-west-1", STANDBY("5000"));
    await report("pg-us-east-1", primaryOverrides("5000"));
    await tick();
    const promote = await db().agentCommand.findFirstOrThrow({ where: { kind: "promote", runId } });
    expect(decodeJwt(promote.token).epoch).toBe(epochBefore + 1);
    for (let i = 0; i < 10 && (await runView(runId)).status === "running"; i++) {
      await answerEveryStep();
      await tick();
    }

    const run: RunView = await runView(runId);
    expect(run.status).toBe("succeeded");
    // The service has no gates configured: its gate steps are skipped.
    expect(run.steps.map((step) => [step.stepId, step.state])).toEqual(run.steps.map((step) => [step.stepId, step.kind === "gate" ? "skipped" : "succeeded"]));
    const service = await db().service.findUniqueOrThrow({ where: { id: "orders-db" }, include: { writeReplica: true } });
    expect(service.writeReplica?.name).toBe("pg-eu-west-1");
    expect(service.epoch).toBe(epochBefore + 1);
    expect(await db().run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ activeForServiceId: null });

    const proof = await db().auditEvent.findFirstOrThrow({ where: { action: "service.epoch", runId } });
    expect(proof.details).toMatchObject({ proof: { fencedPrimaryFinalLsn: "5000", candidateReplayedLsn: "5000", candidate: "pg-eu-west-1" } });
    // The proof says what corroborated each position it relies on.
    const crossChecked = (proof.details as { proof: { crossChecked: { check: string; sentence: string }[] } }).proof.crossChecked;
    expect(crossChecked.map((entry) => entry.check)).toEqual([
      "fence-covers-primary-report",
      "fence-covers-standby-reports",
      "target-on-primary-timeline",
      "target-replayed-fenced-lsn",
      "primary-saw-target-flush",
      "target-holds-what-primary-saw",
    ]);
    expect(crossChecked[0]?.sentence).toMatch(/^the fence's final position 5000 ≥ the write position 1000 in pg-us-east-1's report of \S+Z, before the fence$/);
    // Every step's completion is in the audit chain exactly once (a confirmation,
    // the route switch, or the engine's record), and the chain is intact.
    const events = await db().auditEvent.findMany({ where: { runId } });
    const completions = events.filter(
      (event) => ["run.confirm", "service.route"].includes(event.action) || (event.action === "run.step" && ["succeeded", "skipped"].includes((event.details as { state: string }).state)),
    );
    const stepIds = new Map(run.steps.map((step) => [step.id, step.stepId]));
    expect(completions.map((event) => stepIds.get(event.stepRunId!)).sort()).toEqual(run.steps.map((step) => step.stepId).sort());
    expect((await verifyAuditChain(db())).intact).toBe(true);
    // The agent steps the engine concluded are timed in the metrics.
    const agentSteps = run.steps.filter((step) => step.kind === "agent").length;
    expect(agentSteps).toBeGreaterThan(0);
    expect(sampleValue(await scrape(operator.token), "switchyard_run_step_duration_seconds_count", { kind: "agent", state: "succeeded" })).toBeGreaterThanOrEqual(agentSteps);
  });

  it("names the new primary's synchronous standbys among those streaming before the old primary's rejoin, so a refused rejoin leaves them named", async () => {
    const europe = principals["pg-europe-west3"]!.replicaId;
    await db().replica.update({ where: { id: europe }, data: { replication: "sync" } });
    try {
      const runId = runSchema.parse((await start("planned-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "planned maintenance" })).json).id;
      await tick();
      expect((await call(confirmRoute, { method: "POST", token: operator.token, params: { id: runId, stepId: "confirm" }, body: { note: "go" } })).status).toBe(200);
      await tick();
      await answerEveryStep();
      await tick();
      await report("pg-eu-west-1", STANDBY("5000"));
      await report("pg-us-east-1", primaryOverrides("5000"));
      // The re-pointed pg-europe-west3 streams from the new primary; the old one never rejoins.
      const answer = (kind: AgentCommandKind, replica: string) =>
        kind === "sync-standbys"
          ? { status: "succeeded" as const, output: { synchronousStandbyNames: 'FIRST 1 ("pg-europe-west3")', streaming: ["pg-europe-west3"] } }
          : kind === "rewind"
            ? { status: "refused" as const, error: "pg-us-east-1 was not rejoined" }
            : everyStepAnswer(kind, replica);
      for (let i = 0; i < 12 && (await runView(runId)).status === "running"; i++) {
        await tick();
        await answerCommands(answer);
      }

      const run = await runView(runId);
      expect(run.status).toBe("failed");
      const state = (stepId: string) => run.steps.find((step) => step.stepId === stepId)?.state;
      expect([state("switch-route"), state("sync-before-rejoin"), state("rejoin-old-primary"), state("restore-sync")]).toEqual(["succeeded", "succeeded", "failed", "pending"]);
      const [named, rewind] = await Promise.all(["sync-standbys", "rewind"].map((kind) => db().agentCommand.findFirstOrThrow({ where: { runId, kind }, include: { agent: { include: { replica: true } } } })));
      expect(named!.agent.replica.name).toBe("pg-eu-west-1");
      expect(named!.args).toEqual({ names: ["pg-us-east-1", "pg-europe-west3"] });
      expect(named!.createdAt.getTime()).toBeLessThan(rewind!.createdAt.getTime());
      expect(run.steps.find((step) => step.stepId === "sync-before-rejoin")?.output).toEqual({ "pg-eu-west-1": { synchronousStandbyNames: 'FIRST 1 ("pg-europe-west3")', streaming: ["pg-europe-west3"] } });
    } finally {
      await db().replica.update({ where: { id: europe }, data: { replication: "async" } });
    }
  });

  it("allows one active run per service", async () => {
    expect((await start("planned-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "first" })).status).toBe(201);
    const second = await start("planned-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "second" });
    expect(second.status).toBe(409);
    expect(second.json.error.message).toMatch(/already has an active run/);
    const listed = (await call(listRunsRoute, { token: operator.token, path: "/api/v1/runs?serviceId=orders-db&limit=1" })).json.runs;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ runbookId: "planned-switchover", reason: "first", startedBy: "operator@example.com", primary: "pg-us-east-1", target: "pg-eu-west-1", others: ["pg-europe-west3"] });
    expect(listed[0].steps).toBeUndefined();
  });

  it("refuses to start for a viewer (403) and names a bad parameter (400), writing nothing", async () => {
    const viewer = await tokenFor((await createTestUser(`viewer-${Date.now()}@example.com`, ["viewer"])).id);
    const runsBefore = await db().run.count();
    expect((await start("planned-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "no" }, viewer)).status).toBe(403);
    const bad = await start("planned-switchover", { service: "orders-db", to_region: "aws:us-east-1", reason: "nope nope" });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ field: "params.to_region", message: "params.to_region: aws:us-east-1 already holds the primary" });
    expect(await db().run.count()).toBe(runsBefore);
  });

  it("survives a new executor (a restarted control plane) mid-run without repeating a step", async () => {
    const runId = runSchema.parse((await start("planned-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "restart test" })).json).id;
    await tick();
    await call(confirmRoute, { method: "POST", token: operator.token, params: { id: runId, stepId: "confirm" }, body: {} });
    await tick();
    expect(await stepState(runId, "fence-primary")).toBe("waiting");

    await answerEveryStep();
    // The first copy stalls before it sees the answer, and its lease runs out.
    await db().lease.update({ where: { name: "run-executor" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const stale = await db().lease.findUniqueOrThrow({ where: { name: "run-executor" } });
    // Waking up, it cannot act on the lapsed lease: completing the fence step is refused.
    await expect(moveRun(runId, { name: "run-executor", holder: stale.holder, token: stale.token })).rejects.toThrow(LeaseLostError);
    expect(await stepState(runId, "fence-primary")).toBe("waiting");
    // Another copy takes over, with a higher fencing token, and carries on.
    await executorTick("restarted-copy", failOnError);
    expect((await db().lease.findUniqueOrThrow({ where: { name: "run-executor" } })).token).toBe(stale.token + 1n);
    expect(await stepState(runId, "fence-primary")).toBe("succeeded");

    await report("pg-eu-west-1", STANDBY("5000"));
    await report("pg-us-east-1", primaryOverrides("5000"));
    for (let i = 0; i < 12 && (await runView(runId)).status === "running"; i++) {
      await answerEveryStep();
      await executorTick("restarted-copy", failOnError);
    }
    expect((await runView(runId)).status).toBe("succeeded");
    const commands = await db().agentCommand.findMany({ where: { runId } });
    expect(commands.filter((command) => command.kind === "fence")).toHaveLength(1);
    expect(commands.filter((command) => command.kind === "promote")).toHaveLength(1);
  });
});

describe("failures and aborts", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), "runbooks-"));
    cpSync("runbooks", folder, { recursive: true });
    // Fence, then promote straight away: the promotion's own zero-loss guard must hold.
    writeFileSync(
      path.join(folder, "hasty-switchover.yaml"),
      `id: hasty-switchover
title: Hasty switchover
description: Promotes right after fencing, to test the promotion guard.
promotion: planned
parameters:
  service: { type: service, description: s }
  to_region: { type: region, description: r }
  reason: { type: text, description: why }
steps:
  - { id: fence-primary, kind: agent, title: Fence the primary, target: primary, command: fence, compensation: { command: unfence }, onFailure: compensate }
  - { id: promote-target, kind: agent, title: Promote the target, target: target, command: promote, onFailure: compensate }
`,
    );
    process.env.SWITCHYARD_RUNBOOKS_DIR = folder;
  });
  afterAll(() => {
    delete process.env.SWITCHYARD_RUNBOOKS_DIR;
    rmSync(folder, { recursive: true, force: true });
  });

  it("never promote a candidate behind the fenced primary, and undo the fence", async () => {
    await report("pg-eu-west-1", STANDBY("4000"));
    const runId = runSchema.parse((await start("hasty-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "guard test" })).json).id;
    for (let i = 0; i < 12 && ["running", "compensating"].includes((await runView(runId)).status); i++) {
      await answerEveryStep();
      await tick();
    }
    const run = await runView(runId);
    expect(run.status).toBe("failed");
    expect(run.error).toBe("Promote the target: refusing to promote: pg-eu-west-1 replayed 4000, behind the fenced primary's final 5000");
    expect(await db().agentCommand.count({ where: { runId, kind: "promote" } })).toBe(0);
    expect(run.steps.find((step) => step.stepId === "undo-fence-primary")).toMatchObject({ phase: "compensation", state: "succeeded", targets: ["pg-us-east-1"] });
    expect(await db().agentCommand.count({ where: { runId, kind: "unfence" } })).toBe(1);
    expect((await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).writeReplicaId).toBe(principals["pg-us-east-1"]!.replicaId);
  });

  /** Runs the hasty switchover to its end; the fence reports `finalLsn`. */
  async function hastyRun(finalLsn: string, reason: string) {
    const runId = runSchema.parse((await start("hasty-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason })).json).id;
    for (let i = 0; i < 12 && ["running", "compensating"].includes((await runView(runId)).status); i++) {
      await answerFencingAt(finalLsn);
      await tick();
    }
    return runId;
  }

  async function refusedPromotion(runId: string) {
    const run = await runView(runId);
    expect(run.status).toBe("failed");
    expect(await db().agentCommand.count({ where: { runId, kind: "promote" } })).toBe(0);
    expect(await db().agentCommand.count({ where: { runId, kind: "unfence" } })).toBe(1);
    expect((await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).writeReplicaId).toBe(principals["pg-us-east-1"]!.replicaId);
    const failed = await db().auditEvent.findMany({ where: { runId, action: "run.step", outcome: "failure" } });
    expect(failed.map((event) => event.reason)).toContain(run.error!.replace(/^Promote the target: /, ""));
    return run.error;
  }

  it("refuses a fence that reports a final position behind what the primary itself reported before it, naming both and where they come from", async () => {
    await report("pg-us-east-1", primaryOverrides("5000"));
    await report("pg-eu-west-1", STANDBY("5000"));
    const error = await refusedPromotion(await hastyRun("3000", "under-reporting fence"));
    expect(error).toMatch(
      /^Promote the target: refusing to promote: the fence of pg-us-east-1 reported its final position as 3000, behind the write position 5000 in pg-us-east-1's report of \S+Z, before the fence$/,
    );
  });

  it("refuses a fence that reports a final position behind what a standby had received before it, even when the primary's agent agrees with its fence", async () => {
    // pg-us-east-1's agent says 1000 before the fence and in it; pg-europe-west3 had received 6000 by then.
    await report("pg-europe-west3", STANDBY("6000"));
    const error = await refusedPromotion(await hastyRun("1000", "lying primary agent"));
    expect(error).toMatch(/^Promote the target: refusing to promote: pg-europe-west3's report of \S+Z, before the fence, has it at 6000, beyond the final position 1000 the fence of pg-us-east-1 reported$/);
  });

  it("refuses a target on another timeline than the primary's", async () => {
    await report("pg-eu-west-1", { ...STANDBY("5000"), timeline: 2, walReceiver: { ...standbyReport(1).walReceiver!, receivedTli: 2 } });
    const error = await refusedPromotion(await hastyRun("5000", "forked target"));
    expect(error).toMatch(/^Promote the target: refusing to promote: pg-eu-west-1 streams timeline 2 \(pg-eu-west-1's report of \S+Z\), but pg-us-east-1 wrote on timeline 1/);
  });

  it("waits until the primary itself sees the target flush the final position before it promotes", async () => {
    await report("pg-eu-west-1", STANDBY("5000"));
    const runId = runSchema.parse((await start("hasty-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "corroboration" })).json).id;
    for (let i = 0; i < 6; i++) {
      await answerEveryStep();
      await tick();
    }
    // The target says it replayed 5000; the primary's last report still shows it at 1000.
    expect(await stepState(runId, "promote-target")).toBe("waiting");
    expect(await db().agentCommand.count({ where: { runId, kind: "promote" } })).toBe(0);
    await report("pg-us-east-1", primaryOverrides("5000"));
    await tick();
    expect(await db().agentCommand.count({ where: { runId, kind: "promote" } })).toBe(1);
  });

  it("promotes once when two executors decide the promotion on the waiting step: the second finds the command issued and decides again", async () => {
    await report("pg-eu-west-1", STANDBY("5000"));
    const runId = runSchema.parse((await start("hasty-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "two executors" })).json).id;
    for (let i = 0; i < 6; i++) {
      await answerEveryStep();
      await tick();
    }
    expect(await stepState(runId, "promote-target")).toBe("waiting");
    await report("pg-us-east-1", primaryOverrides("5000"));
    const epoch = (await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).epoch;
    const now = new Date();
    const [first, second] = [await planMove(runId, now), await planMove(runId, now)];
    for (const planned of [first, second]) expect(planned).toMatchObject({ kind: "step", move: { rule: "promotion-proven", from: "waiting", to: "waiting" } });

    const grant = await acquireLease(EXECUTOR_LEASE, holder, 60_000);
    if (!grant.held) throw new Error("the executor lease is taken");
    const lease = { name: EXECUTOR_LEASE, holder, token: grant.token };
    await applyMove(first!, lease, now);
    await expect(applyMove(second!, lease, now)).rejects.toThrow(MovedMeanwhile);

    expect((await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).epoch).toBe(epoch + 1);
    expect(await db().agentCommand.count({ where: { runId, kind: "promote" } })).toBe(1);
    expect(await db().auditEvent.count({ where: { runId, action: "service.epoch" } })).toBe(1);
    // Decided again, the step waits for the command it already issued.
    expect(await planMove(runId, new Date())).toBeNull();
  });

  it("refuses to promote a target the datasets' residency excludes, even when the runbook does not check it, audits it, and undoes the fence", async () => {
    const version = await db().policyVersion.findFirstOrThrow({ where: { policy: { scope: "service:orders-db" } }, orderBy: { version: "desc" } });
    const original = version.document as { datasets: Record<string, { replication: string; residency: { jurisdictions: string[]; regions: string[] } }> };
    const usOnly = Object.fromEntries(Object.entries(original.datasets).map(([name, rule]) => [name, { ...rule, residency: { jurisdictions: ["US"], regions: [] } }]));
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...original, datasets: usOnly } } });
    try {
      await report("pg-eu-west-1", STANDBY("5000"));
      const runId = runSchema.parse((await start("hasty-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "residency test" })).json).id;
      for (let i = 0; i < 12 && ["running", "compensating"].includes((await runView(runId)).status); i++) {
        await answerEveryStep();
        await tick();
      }
      const run = await runView(runId);
      expect(run.status).toBe("failed");
      expect(run.error).toBe("Promote the target: refusing to promote pg-eu-west-1: residency refuses aws:eu-west-1: dataset order-history may live only in US; aws:eu-west-1 is in EU; dataset orders may live only in US; aws:eu-west-1 is in EU");
      expect(await db().agentCommand.count({ where: { runId, kind: "promote" } })).toBe(0);
      expect(await db().agentCommand.count({ where: { runId, kind: "unfence" } })).toBe(1);
      const refusals = await db().auditEvent.findMany({ where: { action: "residency.refuse", runId } });
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ outcome: "failure", serviceId: "orders-db", targetType: "replica", policyVersionId: version.id, details: { refused: "promote", replica: "pg-eu-west-1", jurisdiction: "EU" } });
      expect((await db().service.findUniqueOrThrow({ where: { id: "orders-db" } })).writeReplicaId).toBe(principals["pg-us-east-1"]!.replicaId);
    } finally {
      await db().policyVersion.update({ where: { id: version.id }, data: { document: original } });
    }
  });

  it("abort: run the registered compensations in reverse, then end aborted", async () => {
    const runId = runSchema.parse((await start("planned-switchover", { service: "orders-db", to_region: "aws:eu-west-1", reason: "abort test" })).json).id;
    await tick();
    await call(confirmRoute, { method: "POST", token: operator.token, params: { id: runId, stepId: "confirm" }, body: {} });
    await tick();
    await answerEveryStep();
    await tick();
    expect(await stepState(runId, "wait-caught-up")).toBe("waiting");
    const aborted = await call(abortRoute, { method: "POST", token: operator.token, params: { id: runId }, body: { reason: "changed my mind" } });
    expect(aborted.status).toBe(200);
    for (let i = 0; i < 6 && (await runView(runId)).status === "compensating"; i++) {
      await answerEveryStep();
      await tick();
    }
    const run = await runView(runId);
    expect(run).toMatchObject({ status: "aborted", error: "aborted by operator@example.com: changed my mind" });
    expect(await db().agentCommand.count({ where: { runId, kind: "unfence" } })).toBe(1);
  });
});

describe("an approval step", () => {
  it("cannot be decided by the person who started the run, and lets another approver override", async () => {
    // The primary's region is lost: its reports stop and both witnesses cannot reach it.
    await db().replicaState.update({ where: { replicaId: principals["pg-us-east-1"]!.replicaId }, data: { receivedAt: new Date(Date.now() - 120_000) } });
    const down = { replica: "pg-us-east-1", regionId: "aws:us-east-1", reachable: false, rttMs: null, error: "timeout" };
    await report("pg-eu-west-1", { ...STANDBY("1000", 8 * 1024 * 1024), walReceiver: null, peers: [down] });
    await report("pg-europe-west3", { ...STANDBY("900", 9 * 1024 * 1024), walReceiver: null, peers: [down] });
    // For longer than the policy's window, as a lost primary must be (core/replication/primary-loss.ts).
    await db().witnessLink.updateMany({ where: { toReplicaId: principals["pg-us-east-1"]!.replicaId }, data: { unreachableSince: new Date(Date.now() - 120_000) } });

    const runId = runSchema.parse((await start("unplanned-failover", { service: "orders-db", from_region: "aws:us-east-1", reason: "us-east-1 lost" })).json).id;
    await tick();
    await call(confirmRoute, { method: "POST", token: operator.token, params: { id: runId, stepId: "confirm-isolation" }, body: { note: "power is off" } });
    await tick();
    expect(await stepState(runId, "rpo-override")).toBe("waiting");

    const own = await call(approveRoute, { method: "POST", token: operator.token, params: { id: runId, stepId: "rpo-override" }, body: { note: "mine" } });
    expect(own.status).toBe(403);
    expect(own.json.error.message).toMatch(/Two-person rule/);
    const other = await call(approveRoute, { method: "POST", token: approver.token, params: { id: runId, stepId: "rpo-override" }, body: { note: "accepting the loss" } });
    expect(other.status).toBe(200);
    expect(runSchema.parse(other.json).steps.find((step) => step.stepId === "rpo-override")).toMatchObject({ state: "succeeded", decidedBy: "approver@example.com", note: "accepting the loss" });
  });
});
