import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { ALERT_BATCH_SIZE, AlertBatchesFailedError, evaluateAlerts, type AlertEvaluation } from "@/server/alerts/evaluate-alerts";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { acquireLease } from "@/server/lease/lease";
import type { HeldLease } from "@/server/lease/assert-lease";
import { roundTrips } from "../support/round-trips";
import { addFleetServices, FLEET_REGIONS, seedFleetStore } from "../support/simulated-fleet";
import { ownerSql, sql } from "../support/sql";

/**
 * The alert evaluator over a fleet of a thousand replicas (334 services of
 * three), written straight to the store: each replica with an active agent
 * and a latest state. The whole fleet goes silent at once, then comes back,
 * as when every agent restarts. Alerts fire as soon as their condition holds
 * (the policy's window is 0) and the staleness window is a minute, so a slow
 * machine cannot make fresh states stale mid-test; silence is produced by
 * dating the states back an hour.
 */
const SERVICES = 334;
const SMALL_FLEET = 10;
const FLEET = SERVICES * FLEET_REGIONS.length;
const WEBHOOK = "http://127.0.0.1:9/alerts";
/**
 * The evaluator's reads: the topology every reader shares (five statements
 * over two sessions sharing one repeatable-read snapshot: eleven round trips
 * with the BEGINs, the snapshot's export and adoption and the COMMITs), the conflicts
 * of the last minute, the automation's holds, the loops' progress and the
 * open alerts, the refused scheduled runs and plans, the services' latest
 * drills and their overdue drill schedules (two), and the accounts' grants and
 * resets in the cool-off window and break-glass sign-ins of the last day (three),
 * and the silences not over yet (one).
 */
const READS = 22;

let lease: HeldLease;

/** One evaluation, with the SQL statements it sent. */
async function evaluatedWithStatements(): Promise<{ evaluation: AlertEvaluation; statements: number }> {
  let evaluation: AlertEvaluation | undefined;
  const statements = await roundTrips(async () => {
    evaluation = await evaluateAlerts(lease);
  });
  return { evaluation: evaluation!, statements };
}

const silent = () => sql(`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '1 hour'`);
const reporting = () => sql(`UPDATE "ReplicaState" SET "receivedAt" = now()`);
const openAlerts = () => db().alert.findMany({ where: { state: { in: ["pending", "firing"] } } });
const auditOf = (action: string) => db().auditEvent.findMany({ where: { action }, select: { targetId: true } });

beforeAll(async () => {
  await seedFleetStore();
  lease = { name: ALERTING_LEASE, holder: "scale-test", token: (await acquireLease(ALERTING_LEASE, "scale-test", 600_000)).token };
  process.env.SWITCHYARD_ALERT_WEBHOOKS = WEBHOOK;
});

afterAll(() => {
  delete process.env.SWITCHYARD_ALERT_WEBHOOKS;
});

describe("alert evaluation over a thousand replicas", () => {
  it("reads the fleet in the same few statements whatever its size, and writes nothing while all is well", async () => {
    await addFleetServices(0, SMALL_FLEET);
    expect(await evaluateAlerts(lease)).toEqual({ changes: [], written: 0, batches: 0, failedBatches: 0 });
    const { statements: small } = await evaluatedWithStatements();

    await addFleetServices(SMALL_FLEET, SERVICES);
    expect(await db().replicaState.count()).toBe(FLEET);
    const { evaluation, statements: large } = await evaluatedWithStatements();
    expect(evaluation).toEqual({ changes: [], written: 0, batches: 0, failedBatches: 0 });
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(READS);
  });

  it("fires an alert for every replica that goes silent, in batches of at most ALERT_BATCH_SIZE, each audited once, and notified in one notification per service", async () => {
    await silent();
    const { evaluation, statements } = await evaluatedWithStatements();
    expect(evaluation.changes).toHaveLength(FLEET);
    expect(evaluation.changes.every((change) => change.kind === "open" && change.ruleId === "heartbeat-stale" && change.state === "firing")).toBe(true);
    expect(evaluation).toMatchObject({ written: FLEET, batches: Math.ceil(FLEET / ALERT_BATCH_SIZE), failedBatches: 0 });
    expect(evaluation.batches).toBeGreaterThan(1);
    // The reads, then per batch: BEGIN, the lease, the alerts, their groups' firing alerts and waiting notifications, their notifications, the audit lock, the chain's head, the events, COMMIT;
    // and, heartbeat-stale paging, the incidents they open or join: the lock again, the services' open incidents, the incidents' rows, their events (lock, head, insert).
    expect(statements).toBeLessThanOrEqual(READS + (9 + 6) * evaluation.batches);
    // One incident per service, which its other replicas' alerts join.
    expect(await db().incident.count()).toBe(SERVICES);
    expect(await db().auditEvent.count({ where: { action: "incident.attach" } })).toBe(FLEET - SERVICES);

    const firing = await openAlerts();
    expect(firing).toHaveLength(FLEET);
    expect(new Set(firing.map((alert) => alert.replicaId)).size).toBe(FLEET);
    expect(firing.every((alert) => alert.state === "firing" && alert.firedAt !== null && alert.policyVersion === 1)).toBe(true);
    const fired = await auditOf("alert.fire");
    expect(fired.map((event) => event.targetId).sort()).toEqual(firing.map((alert) => alert.id).sort());
    // One per service, its three replicas' alerts in it, even when a batch boundary splits them: the later batch joins the waiting notification.
    const notifications = await db().alertNotification.findMany({ select: { groupKey: true, event: true, url: true, payload: true } });
    expect(notifications).toHaveLength(SERVICES);
    expect(new Set(notifications.map((notification) => notification.groupKey)).size).toBe(SERVICES);
    expect(notifications.every((notification) => notification.event === "firing" && notification.url === WEBHOOK)).toBe(true);
    const told = notifications.flatMap((notification) => (notification.payload as { alerts: { id: string }[] }).alerts.map((alert) => alert.id));
    expect(told.sort()).toEqual(firing.map((alert) => alert.id).sort());
  });

  it("while they keep firing, an evaluation writes one statement's worth of 'seen again' and announces nothing more", async () => {
    const audited = await db().auditEvent.count();
    const { evaluation, statements } = await evaluatedWithStatements();
    expect(evaluation).toMatchObject({ written: FLEET, batches: 1, failedBatches: 0 });
    expect(evaluation.changes.every((change) => change.kind === "hold")).toBe(true);
    // The reads, then one transaction: BEGIN, the lease, one UPDATE, COMMIT.
    expect(statements).toBeLessThanOrEqual(READS + 4);
    expect(await db().auditEvent.count()).toBe(audited);
  });

  it("resolves every one when the fleet reports again; a batch that fails leaves the others written and the next evaluation finishes the job", async () => {
    const poisoned = (await openAlerts())[0]!;
    // A failure in the middle of the writes: the batch holding this alert's resolution is rolled back whole.
    await ownerSql(`
      CREATE FUNCTION refuse_resolution() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'store refused the write'; END $$;
      CREATE TRIGGER refuse_resolution BEFORE UPDATE ON "Alert" FOR EACH ROW WHEN (NEW.state = 'resolved' AND OLD.id = '${poisoned.id}') EXECUTE FUNCTION refuse_resolution();`);
    await reporting();
    const failure = await evaluateAlerts(lease).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AlertBatchesFailedError);
    const { evaluation } = failure as AlertBatchesFailedError;
    expect((failure as Error).message).toContain("store refused the write");
    expect(evaluation.changes).toHaveLength(FLEET);
    expect(evaluation.changes.every((change) => change.kind === "resolve")).toBe(true);
    expect(evaluation.failedBatches).toBe(1);
    expect(evaluation.batches).toBe(Math.ceil(FLEET / ALERT_BATCH_SIZE) - 1);

    const left = await openAlerts();
    expect(left.map((alert) => alert.id)).toContain(poisoned.id);
    expect(left.length).toBeLessThanOrEqual(ALERT_BATCH_SIZE);
    expect(evaluation.written).toBe(FLEET - left.length);
    expect(await auditOf("alert.resolve")).toHaveLength(FLEET - left.length);

    await ownerSql(`DROP TRIGGER refuse_resolution ON "Alert"; DROP FUNCTION refuse_resolution();`);
    const next = await evaluateAlerts(lease);
    expect(next).toMatchObject({ written: left.length, failedBatches: 0 });
    expect(next.changes.map((change) => change.kind === "resolve" && change.alertId).sort()).toEqual(left.map((alert) => alert.id).sort());
    expect(await openAlerts()).toEqual([]);
    expect(await evaluateAlerts(lease)).toEqual({ changes: [], written: 0, batches: 0, failedBatches: 0 });
  });

  it("leaves each alert audited exactly once as fired and once as resolved, its group notified resolved, on an intact chain", async () => {
    const alerts = await db().alert.findMany({ select: { id: true, state: true } });
    expect(alerts).toHaveLength(FLEET);
    expect(alerts.every((alert) => alert.state === "resolved")).toBe(true);
    const ids = alerts.map((alert) => alert.id).sort();
    expect((await auditOf("alert.fire")).map((event) => event.targetId).sort()).toEqual(ids);
    expect((await auditOf("alert.resolve")).map((event) => event.targetId).sort()).toEqual(ids);
    // Nothing was delivered meanwhile: each service's waiting notification now tells its group resolved.
    expect(await db().alertNotification.count()).toBe(SERVICES);
    expect(await db().alertNotification.count({ where: { event: "resolved" } })).toBe(SERVICES);
    const events = await db().auditEvent.count();
    expect(await verifyAuditChain(db())).toMatchObject({ intact: true, count: events, throughSeq: events });
  });
});
