/**
 * Planned switchover, end to end, on the real lab with the workload writing:
 * a fresh product per repetition (so every run switches aws:us-east-1 →
 * aws:eu-west-1), driven through the API as an operator would. Reports the
 * time from confirmation to a finished run, how long writes were refused,
 * how long the old primary took to rejoin as a standby,
 * acknowledged writes lost, and the control plane's own time per step (step
 * durations and the gaps between steps, minus the agents' command round trips
 * and minus waiting for replication, reports or people). A step that waits
 * before issuing its command (the promotion, until the primary's own report
 * corroborates the target's position) is waiting for a report, not working:
 * that wait is reported on its own. The new primary is asked directly every
 * 50 ms whether it takes writes (confirmation → writable), and each run's
 * timeline (steps, commands issued → delivered → answered, relative to the
 * confirmation) is printed to stderr.
 *
 *   npm run bench:switchover -- --runs 3
 */
import { parseArgs } from "node:util";
import { createDb } from "@/server/db/client";
import { verifyLedger } from "@/lab/verify";
import { takesWrites } from "@/test/support/writable-sampler";
import { api, until } from "./support/api";
import { adminToken, startControlPlane } from "./support/control-plane";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);

const TARGET = "pg-eu-west-1";
const ms = (at: Date | null | undefined, from: number) => (at ? `${at.getTime() - from}` : "-");

const results: { confirmToDoneMs: number; confirmToWritableMs: number; fenceToWritableMs: number; writesRefusedMs: number; rejoinMs: number; lost: number; overheadPerStepMs: number[]; waitedForReportsMs: number }[] = [];
for (let repetition = 0; repetition < RUNS; repetition++) {
  const product = await startControlPlane({ lab: true, env: { LAB_SERVICES: "orders-db" } });
  const store = createDb(product.databaseUrl, 2);
  try {
    const admin = await adminToken(product.url);
    await api(product.url, "POST", "/api/v1/users", admin, { email: "bench-oncall@switchyard.local", password: "bench-oncall-password", roles: ["operator"] });
    const operator = (await (await fetch(`${product.url}/api/v1/auth/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "bench-oncall@switchyard.local", password: "bench-oncall-password", scopes: ["operate"] }) })).json()).token as string;
    await until("a healthy topology", () => api(product.url, "GET", "/api/v1/services/orders-db", operator), (service) => service.replicas.every((r: any) => r.live.health === "healthy"));

    const run = await api(product.url, "POST", "/api/v1/runbooks/planned-switchover/runs", operator, { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "benchmark" } });
    await until("the confirmation", () => api(product.url, "GET", `/api/v1/runs/${run.id}`, operator), (r) => r.steps.find((s: any) => s.stepId === "confirm")?.state === "waiting");
    const confirmedAt = Date.now();
    await api(product.url, "POST", `/api/v1/runs/${run.id}/steps/confirm/confirm`, operator, {});
    const writable = until(`${TARGET} writable`, () => takesWrites(product.dataDir, TARGET), Boolean, 120_000, 50).then(() => Date.now());
    const done = await until("the run to finish", () => api(product.url, "GET", `/api/v1/runs/${run.id}`, operator), (r) => ["succeeded", "failed", "aborted"].includes(r.status));
    if (done.status !== "succeeded") throw new Error(`run ${done.status}: ${done.error}`);
    const finishedAt = Date.parse(done.finishedAt);
    const writableAt = await writable;

    const steps = await store.stepRun.findMany({ where: { runId: run.id, phase: "forward" }, orderBy: { index: "asc" } });
    const commands = await store.agentCommand.findMany({ where: { runId: run.id } });
    const stepEvents = await store.auditEvent.findMany({ where: { runId: run.id, action: "run.step" }, orderBy: { seq: "asc" }, select: { stepRunId: true, at: true, details: true } });
    const overhead: number[] = [];
    let waitedForReportsMs = 0;
    let previousEnd: number | null = null;
    for (const step of steps) {
      const start = step.startedAt!.getTime();
      const end = step.finishedAt!.getTime();
      const gap = previousEnd === null ? 0 : Math.max(0, start - previousEnd);
      previousEnd = end;
      if (step.kind === "manual" || step.kind === "wait") continue;
      const mine = commands.filter((command) => command.stepRunId === step.id && command.completedAt);
      // Commands to several replicas run in parallel: the slowest is the agents' share.
      const agentsMs = mine.length ? Math.max(...mine.map((command) => command.completedAt!.getTime() - command.createdAt.getTime())) : 0;
      const issuedAt = mine.length ? Math.min(...mine.map((command) => command.createdAt.getTime())) : null;
      const waiting = stepEvents.find((event) => event.stepRunId === step.id && (event.details as { state?: string }).state === "waiting");
      const waitedMs = issuedAt !== null && waiting && waiting.at.getTime() < issuedAt ? issuedAt - waiting.at.getTime() : 0;
      waitedForReportsMs += waitedMs;
      overhead.push(gap + Math.max(0, end - start - agentsMs - waitedMs));
    }
    const fence = steps.find((step) => step.stepId === "fence-primary")!;
    const route = steps.find((step) => step.stepId === "switch-route")!;
    const rejoin = steps.find((step) => step.stepId === "rejoin-old-primary")!;
    const ledger = await verifyLedger(product.dataDir, TARGET);
    const agents = new Map((await store.agent.findMany({ include: { replica: { select: { name: true } } } })).map((agent) => [agent.id, agent.replica.name]));
    for (const step of steps) {
      const mine = commands.filter((command) => command.stepRunId === step.id);
      const timed = mine.map((command) => `${command.kind}@${agents.get(command.agentId)} issued ${ms(command.createdAt, confirmedAt)} delivered ${ms(command.deliveredAt, confirmedAt)} answered ${ms(command.completedAt, confirmedAt)}`);
      console.error(`  ${step.stepId.padEnd(22)} ${ms(step.startedAt, confirmedAt).padStart(6)} → ${ms(step.finishedAt, confirmedAt).padStart(6)} ms ${timed.join("; ")}`);
    }
    console.error(`  ${TARGET} writable at ${writableAt - confirmedAt} ms`);
    results.push({
      confirmToDoneMs: finishedAt - confirmedAt,
      confirmToWritableMs: writableAt - confirmedAt,
      fenceToWritableMs: writableAt - fence.startedAt!.getTime(),
      writesRefusedMs: route.finishedAt!.getTime() - fence.startedAt!.getTime(),
      rejoinMs: rejoin.finishedAt!.getTime() - rejoin.startedAt!.getTime(),
      lost: ledger.lost,
      overheadPerStepMs: overhead,
      waitedForReportsMs,
    });
    console.error(`run ${repetition + 1}: ${finishedAt - confirmedAt} ms, ${ledger.lost} lost of ${ledger.acknowledged}`);
  } finally {
    await store.$disconnect();
    await product.stop();
  }
}

const perStep = summarize(results.flatMap((result) => result.overheadPerStepMs));
console.log(
  JSON.stringify(
    {
      runs: RUNS,
      confirmToFinishedMs: summarize(results.map((result) => result.confirmToDoneMs)),
      confirmToNewPrimaryWritableMs: summarize(results.map((result) => result.confirmToWritableMs)),
      writesRefusedUntilNewPrimaryWritableMs: summarize(results.map((result) => result.fenceToWritableMs)),
      writesRefusedMs: summarize(results.map((result) => result.writesRefusedMs)),
      oldPrimaryRejoinMs: summarize(results.map((result) => result.rejoinMs)),
      waitedForCorroboratingReportsMs: summarize(results.map((result) => result.waitedForReportsMs)),
      acknowledgedWritesLost: results.map((result) => result.lost),
      controlPlaneOverheadPerStepMs: { p50: round(perStep.p50), p95: round(perStep.p95), max: round(perStep.max), steps: perStep.count },
    },
    null,
    2,
  ),
);
if (results.some((result) => result.lost > 0)) process.exitCode = 1;
