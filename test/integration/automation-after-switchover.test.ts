import { beforeAll, describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { POST as confirmRoute } from "@/app/api/v1/runs/[id]/steps/[stepId]/confirm/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { runSchema } from "@/contracts/runs";
import { registerAgent } from "@/server/agents/register-agent";
import type { AgentPrincipal } from "@/server/agents/resolve-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { serviceAutomation } from "@/server/automation/service-automation";
import { db } from "@/server/db/client";
import { fleetOverview } from "@/server/fleet/fleet-overview";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import { executorTick } from "@/server/executor/run-executor";
import { runView } from "@/server/runs/run-view";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { answerEveryStep } from "../support/fake-agents";
import { batchOf, standbyReport } from "../support/reports";

/**
 * Design rule "deliberate-changes-keep-protection": a planned switchover, run by the engine as a person would run
 * it, leaves automatic failover armed for the new primary; only a policy that
 * says so makes it start the cooldown. The staleness window is widened to
 * 60 s so a slow machine cannot turn fresh reports stale mid-test; the loss of
 * the new primary is simulated by dating its last report and the witnesses'
 * failure streaks back in SQL.
 */
const principals: Record<string, AgentPrincipal> = {};
const seqs: Record<string, number> = {};
let operator: string;

async function report(name: string, overrides: Partial<AgentReport>) {
  seqs[name] = (seqs[name] ?? 0) + 1;
  await ingestBatch(principals[name]!, batchOf([standbyReport(seqs[name]!, overrides)]));
}

const peer = (replica: string, regionId: string, reachable: boolean) => ({ replica, regionId, reachable, rttMs: reachable ? 80 : null, error: reachable ? null : "connection refused" });

/** A primary at `lsn` streaming to both standbys, `sync` the synchronous one. */
const primary = (lsn: string, sync: string, async: string): Partial<AgentReport> => ({
  role: "primary",
  walReceiver: null,
  lag: { bytes: null, seconds: null },
  lsn: { current: lsn, received: null, replayed: null },
  standbys: [sync, async].map((applicationName) => ({
    applicationName,
    clientAddr: "127.0.0.1",
    state: "streaming",
    syncState: applicationName === sync ? "sync" : "async",
    sentLsn: lsn,
    writeLsn: lsn,
    flushLsn: lsn,
    replayLsn: lsn,
    writeLagSeconds: 0,
    flushLagSeconds: 0,
    replayLagSeconds: 0,
    replayLagBytes: 0,
  })),
  settings: { synchronous_commit: "on", synchronous_standby_names: `FIRST 1 ("${sync}")`, default_transaction_read_only: "off", transaction_read_only: "off" },
});
const standby = (lsn: string): Partial<AgentReport> => ({ lsn: { current: null, received: lsn, replayed: lsn }, lag: { bytes: 0, seconds: 0 } });

async function automationNow() {
  const [own, fleet] = await Promise.all([serviceAutomation("orders-db"), fleetOverview()]);
  expect(own.state).toEqual(fleet.services.find((service) => service.id === "orders-db")!.automation);
  return own;
}

/** Runs planned-switchover to aws:eu-west-1 through the engine, with agents answering every command. */
async function switchOver(): Promise<string> {
  const tick = () =>
    executorTick("test-copy", (line) => {
      throw new Error(`executor: ${line}`);
    });
  const started = await call(startRoute, {
    method: "POST",
    token: operator,
    params: { id: "planned-switchover" },
    body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "kernel patching" } },
  });
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  const runId = runSchema.parse(started.json).id;
  await tick();
  expect((await call(confirmRoute, { method: "POST", token: operator, params: { id: runId, stepId: "confirm" }, body: { note: "go" } })).status).toBe(200);
  await tick();
  await answerEveryStep();
  await tick();
  await report("pg-eu-west-1", standby("5000"));
  // The fenced primary's own view of its standbys backs the target's word (the promotion's cross-checks).
  await report("pg-us-east-1", primary("5000", "pg-eu-west-1", "pg-europe-west3"));
  for (let i = 0; i < 15 && (await runView(runId)).status === "running"; i++) {
    await answerEveryStep();
    await tick();
  }
  expect((await runView(runId)).status).toBe("succeeded");
  return runId;
}

/** The new primary pg-eu-west-1 lost: its agent silent for 2 min, and both witnesses failing to reach it for 90 s. */
async function loseNewPrimary() {
  await report("pg-eu-west-1", primary("6000", "pg-us-east-1", "pg-europe-west3"));
  for (const [name, other] of [
    ["pg-us-east-1", peer("pg-europe-west3", "gcp:europe-west3", true)],
    ["pg-europe-west3", peer("pg-us-east-1", "aws:us-east-1", true)],
  ] as const) {
    await report(name, { ...standby("6000"), walReceiver: null, peers: [peer("pg-eu-west-1", "aws:eu-west-1", false), other] });
  }
  await db().$executeRaw`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '120 seconds'
    WHERE "replicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-eu-west-1')`;
  await db().$executeRaw`UPDATE "WitnessLink" SET "unreachableSince" = now() - interval '90 seconds'
    WHERE "toReplicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-eu-west-1') AND NOT reachable`;
}

async function setCooldownAfterSwitchover(on: boolean) {
  const policy = await db().policy.findUniqueOrThrow({ where: { scope: "service:orders-db" } });
  const version = await db().policyVersion.findFirstOrThrow({ where: { policyId: policy.id, version: policy.currentVersion } });
  const document = version.document as { failover: Record<string, unknown> };
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...document, failover: { ...document.failover, cooldownAfterSwitchover: on } } } });
}

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const version of await db().policyVersion.findMany()) {
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 } } } });
  }
  for (const replica of await db().replica.findMany({ where: { serviceId: "orders-db" } })) {
    const { agent } = await registerAgent({ replicaId: replica.id, name: `agent-${replica.name}` }, SYSTEM_ACTOR);
    principals[replica.name] = { type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" };
  }
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  await report("pg-us-east-1", primary("1000", "pg-eu-west-1", "pg-europe-west3"));
  await report("pg-eu-west-1", standby("1000"));
  await report("pg-europe-west3", standby("1000"));
});

describe("automatic failover after a planned switchover", () => {
  it("stays armed: the switchover's promotion is recorded as planned, and a confirmed loss of the new primary fails over", async () => {
    const runId = await switchOver();
    const promotion = await db().auditEvent.findFirstOrThrow({ where: { action: "service.epoch", runId } });
    expect(promotion.details).toMatchObject({ promotion: "planned" });
    expect((await automationNow()).state.state).toBe("on");

    await loseNewPrimary();
    const automation = await automationNow();
    expect(automation.state.state).toBe("on");
    expect(automation.decisions).toEqual([expect.objectContaining({ ruleId: "failover-automatic", action: { kind: "fail-over", candidateId: principals["pg-us-east-1"]!.replicaId, candidateName: "pg-us-east-1" } })]);
  });

  it("cools down after it when the policy has switchovers start the cooldown", async () => {
    await setCooldownAfterSwitchover(true);
    const automation = await automationNow();
    expect(automation.state.state).toBe("cooling-down");
    expect(automation.state.reason).toMatch(/^automatic failover is cooling down after the planned switchover at .*the policy has switchovers start it too/);
    expect(automation.decisions).toEqual([expect.objectContaining({ ruleId: "failover-cooling-down", action: { kind: "blocked", by: "cooldown" } })]);

    await setCooldownAfterSwitchover(false);
    expect((await automationNow()).decisions).toEqual([expect.objectContaining({ ruleId: "failover-automatic" })]);
  });
});
