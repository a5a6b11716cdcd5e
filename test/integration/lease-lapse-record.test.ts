import { beforeAll, describe, expect, it } from "vitest";
import { POST as leaseRoute } from "@/app/api/v1/agents/lease/route";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { DECIDER_LEASE, decideOnce } from "@/server/automation/automation-loop";
import { db } from "@/server/db/client";
import { acquireLease } from "@/server/lease/lease";
import { seedDemoTopology } from "../support/demo-topology";
import { call } from "../support/api";
import { primaryReport, standby } from "../support/primary-loss";
import { batchOf } from "../support/reports";

/**
 * Issue 12, item 6: a primary whose agent fenced it (or died with it) and
 * never comes back still leaves a record, on the control plane's clock and
 * once per grant, of when its lease lapsed. Automatic failover is off here,
 * so nothing but the lapse itself is recorded: the record does not depend on
 * a failover happening. Policy window 10 s × 6 (a 60 s lease); the passing of
 * time is simulated by dating rows back in SQL.
 */
const tokens: Record<string, string> = {};
const seqs: Record<string, number> = {};
const PRIMARY = "pg-us-east-1";

async function deliver(name: string, report: (seq: number) => AgentReport) {
  seqs[name] = (seqs[name] ?? 0) + 1;
  expect((await call(ingestRoute, { method: "POST", token: tokens[name], body: batchOf([report(seqs[name]!)]) })).status).toBe(200);
}

const grant = async () => expect((await call(leaseRoute, { method: "POST", token: tokens[PRIMARY], body: { role: "primary", readOnly: false } })).json.granted).toBe(true);
const lapses = () => db().auditEvent.findMany({ where: { action: "primary_lease.lapse" }, orderBy: { seq: "asc" } });

/** The primary silent and its lease unrenewed for 2 min, the witnesses failing to reach it for 90 s. */
async function loseThePrimary() {
  await deliver("pg-eu-west-1", (seq) => standby("pg-eu-west-1", seq, false));
  await deliver("pg-europe-west3", (seq) => standby("pg-europe-west3", seq, false));
  await db().$executeRaw`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '120 seconds' WHERE "replicaId" = (SELECT id FROM "Replica" WHERE name = ${PRIMARY})`;
  await db().$executeRaw`UPDATE "PrimaryLease" SET "renewedAt" = now() - interval '120 seconds'`;
  await db().$executeRaw`UPDATE "WitnessLink" SET "unreachableSince" = now() - interval '90 seconds' WHERE NOT reachable`;
}

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const version of await db().policyVersion.findMany()) {
    const document = version.document as { failover: object };
    await db().policyVersion.update({
      where: { id: version.id },
      data: { document: { ...document, heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 }, failover: { ...document.failover, automatic: false } } },
    });
  }
  for (const replica of await db().replica.findMany({ where: { serviceId: "orders-db" } })) {
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${replica.name}` }, SYSTEM_ACTOR);
    tokens[replica.name] = issued.token;
    await db().agent.update({ where: { id: issued.agent.id }, data: { witnessKey: Buffer.alloc(32, replica.name.length).toString("base64url") } });
  }
});

describe("a primary's lease that lapses unheard", () => {
  it("is recorded once, on the control plane's clock, with the moment the lease ended, and again only after another grant", async () => {
    const decider = await acquireLease(DECIDER_LEASE, "copy-a", 60_000);
    const lease = { name: DECIDER_LEASE, holder: "copy-a", token: decider.token };
    await deliver(PRIMARY, primaryReport);
    await grant();
    await decideOnce(lease);
    expect(await lapses()).toEqual([]);

    await loseThePrimary();
    const before = new Date();
    await decideOnce(lease);
    await decideOnce(lease);
    const [recorded, ...more] = await lapses();
    expect(more).toEqual([]);
    const primaryId = (await db().replica.findFirstOrThrow({ where: { name: PRIMARY } })).id;
    expect(recorded).toMatchObject({ actorType: "automation", targetType: "replica", targetId: primaryId, serviceId: "orders-db", before: { leaseHeld: true }, after: { leaseHeld: false } });
    expect(recorded!.at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    // The lease ends a vouch allowance (1 s) and a period (60 s) after the witnesses began failing, 90 s ago.
    const details = recorded!.details as { leaseEndedAt: string; lastRenewedAt: string };
    expect(Date.parse(details.leaseEndedAt)).toBeGreaterThan(before.getTime() - 31_000);
    expect(Date.parse(details.leaseEndedAt)).toBeLessThan(before.getTime() - 27_000);
    expect(recorded!.reason).toMatch(/^nothing renewed pg-us-east-1's lease: .+; from .+ it must be assumed fenced by its agent or dead$/);
    // No failover is needed for the record: automatic failover is off, and nothing was started.
    expect(await db().run.count()).toBe(0);

    // A new grant starts a new lease; its lapse is recorded again.
    await grant();
    await decideOnce(lease);
    expect(await lapses()).toHaveLength(1);
    await loseThePrimary();
    await decideOnce(lease);
    expect(await lapses()).toHaveLength(2);
  });
});
