import { beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as replayRoute } from "@/app/api/v1/audit/[seq]/replay/route";
import { GET as automationRoute } from "@/app/api/v1/services/[id]/automation/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { serviceAutomationSchema } from "@/contracts/automation";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { DECIDER_LEASE, decideOnce } from "@/server/automation/automation-loop";
import { db } from "@/server/db/client";
import { LeaseLostError } from "@/server/lease/assert-lease";
import { acquireLease, releaseLease } from "@/server/lease/lease";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { primaryReport, standby } from "../support/primary-loss";
import { batchOf } from "../support/reports";

/**
 * Detection over the demo topology with reports ingested through the real
 * API. The staleness window is widened to 60 s so a slow machine cannot turn
 * fresh reports stale mid-test; the window passing is simulated by dating
 * the primary's last report and the witnesses' failure streaks back in SQL.
 */
const tokens: Record<string, string> = {};
const seqs: Record<string, number> = {};
let viewer: string;
let auditor: string;

async function deliver(name: string, report: (seq: number) => AgentReport) {
  seqs[name] = (seqs[name] ?? 0) + 1;
  const { status } = await call(ingestRoute, { method: "POST", token: tokens[name], body: batchOf([report(seqs[name]!)]) });
  expect(status).toBe(200);
}

async function automation() {
  const { status, json } = await call(automationRoute, { path: "/api/v1/services/orders-db/automation", token: viewer, params: { id: "orders-db" } });
  expect(status).toBe(200);
  return serviceAutomationSchema.parse(json);
}

/** As if the primary's agent last reported 2 minutes ago. */
async function silencePrimary() {
  await db().$executeRaw`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '120 seconds'
    WHERE "replicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-us-east-1')`;
}

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const version of await db().policyVersion.findMany()) {
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 } } } });
  }
  for (const replica of await db().replica.findMany({ where: { serviceId: "orders-db" } })) {
    tokens[replica.name] = (await registerAgent({ replicaId: replica.id, name: `agent-${replica.name}` }, SYSTEM_ACTOR)).token;
  }
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
  auditor = await tokenFor((await createTestUser("auditor@example.com", ["auditor"])).id);
});

describe("GET /api/v1/services/{id}/automation", () => {
  it("finds a service whose agents all report healthy, and says nothing acts while no decider runs", async () => {
    await deliver("pg-us-east-1", primaryReport);
    await deliver("pg-eu-west-1", (seq) => standby("pg-eu-west-1", seq, true));
    await deliver("pg-europe-west3", (seq) => standby("pg-europe-west3", seq, true));
    const answer = await automation();
    expect(answer).toMatchObject({ serviceId: "orders-db", acting: false, policyVersion: 1, decider: null });
    expect(answer.sentence).toBe(
      "No control-plane copy holds the decider lease: nothing is carried out (SWITCHYARD_JOBS=off everywhere, or the copies cannot reach the store).",
    );
    expect(answer.decisions).toEqual([
      { ruleId: "healthy", diagnosis: "healthy", subject: null, action: { kind: "none" }, sentence: "the primary reports within 60 s and no standby lags beyond 1.0 MiB; nothing to do" },
    ]);
  });

  it("does not fail over when the primary's reports stop but the witnesses still reach it", async () => {
    await silencePrimary();
    const [decision, ...rest] = (await automation()).decisions;
    expect(rest).toEqual([]);
    expect(decision).toMatchObject({ ruleId: "primary-loss-unconfirmed", diagnosis: "primary_unreachable_unconfirmed", action: { kind: "alert" } });
    expect(decision?.sentence).toMatch(
      /^pg-us-east-1's reports stopped 2 min ago \(stale after 60 s\), but 2 witnesses in other regions still reach it: the control plane lost contact with its agent; no failover until witnesses confirm the loss$/,
    );
  });

  it("does not fail over while the witnesses' failures are younger than the window", async () => {
    await deliver("pg-eu-west-1", (seq) => standby("pg-eu-west-1", seq, false));
    await deliver("pg-europe-west3", (seq) => standby("pg-europe-west3", seq, false));
    const decisions = (await automation()).decisions;
    expect(decisions.map((decision) => [decision.ruleId, decision.action.kind])).toEqual([["primary-loss-unconfirmed", "alert"]]);
    expect(decisions[0]?.sentence).toContain("but only 0 of the 2 witnesses in other regions the quorum needs have failed to reach it for 60 s");
  });

  it("decides to fail over to the synchronous standby once the loss is confirmed for the whole window", async () => {
    // The witnesses keep observing (fresh observedAt); only the start of their failure streak is moved back past the window.
    await db().$executeRaw`UPDATE "WitnessLink" SET "unreachableSince" = now() - interval '90 seconds'
      WHERE "toReplicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-us-east-1') AND NOT reachable`;
    const eu = await db().replica.findFirstOrThrow({ where: { name: "pg-eu-west-1" } });
    const answer = await automation();
    expect(answer.acting).toBe(false);
    expect(answer.decisions).toHaveLength(1);
    expect(answer.decisions[0]).toMatchObject({
      ruleId: "failover-automatic",
      diagnosis: "primary_unreachable_confirmed",
      action: { kind: "fail-over", candidateId: eu.id, candidateName: "pg-eu-west-1" },
    });
    expect(answer.decisions[0]?.sentence).toBe(
      "pg-us-east-1's reports stopped 2 min ago (stale after 60 s), and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 60 s; " +
        "fail over to pg-eu-west-1 (aws:eu-west-1): synchronous, flushed 50331744 ≥ the primary's last position 50331744, priority 90",
    );
  });

  it("the decider, holding its lease, starts one automatic unplanned failover as the automation, records why, and does not start it twice", async () => {
    const grant = await acquireLease(DECIDER_LEASE, "copy-a", 60_000);
    expect(grant.held).toBe(true);
    const lease = { name: DECIDER_LEASE, holder: "copy-a", token: grant.token };
    // Exactly one decider: another copy on the same store does not get the lease while it is held.
    expect((await acquireLease(DECIDER_LEASE, "copy-b", 60_000)).held).toBe(false);
    // A copy that lost the lease (or never had this token) writes nothing.
    await expect(decideOnce({ ...lease, token: grant.token + 1n })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await db().automationDecision.count()).toBe(0);

    await decideOnce(lease);
    const runs = await db().run.findMany({ where: { serviceId: "orders-db" } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runbookId: "unplanned-failover", mode: "automatic", actorType: "automation", startedById: null, params: { from_region: "aws:us-east-1", to_region: "aws:eu-west-1" } });
    const recorded = (await automation()).recorded;
    expect(recorded).toEqual([expect.objectContaining({ ruleId: "failover-automatic", runId: runs[0]!.id, actedAt: expect.any(String) })]);
    const audit = await db().auditEvent.findMany({ where: { action: { in: ["automation.decide", "run.start"] } }, orderBy: { seq: "asc" } });
    expect(audit.map((event) => [event.action, event.actorType, (event.details as { rule?: string } | null)?.rule])).toEqual([
      ["automation.decide", "automation", "failover-automatic"],
      ["run.start", "automation", "failover-automatic"],
    ]);
    // Pure, so it can be replayed: the event keeps the snapshot and the moment it was decided on.
    const replay = await call(replayRoute, { token: auditor, params: { seq: audit[0]!.seq.toString() } });
    expect(replay.status, JSON.stringify(replay.json)).toBe(200);
    expect(replay.json).toMatchObject({ serviceId: "orders-db", same: true, recorded: { ruleId: "failover-automatic", sentence: audit[0]!.reason } });
    expect(replay.json.replayed).toContainEqual(expect.objectContaining({ ruleId: "failover-automatic", sentence: audit[0]!.reason }));
    expect((await call(replayRoute, { token: auditor, params: { seq: audit[1]!.seq.toString() } })).status).toBe(409);

    await decideOnce(lease);
    expect(await db().run.count({ where: { serviceId: "orders-db" } })).toBe(1);
    expect((await automation()).recorded.map((decision) => decision.ruleId).sort()).toEqual(["failover-run-active", "run-in-progress"]);
    await releaseLease(DECIDER_LEASE, "copy-a");
  });

  it("answers 404 for a service that does not exist", async () => {
    const { status } = await call(automationRoute, { path: "/api/v1/services/nope/automation", token: viewer, params: { id: "nope" } });
    expect(status).toBe(404);
  });
});
