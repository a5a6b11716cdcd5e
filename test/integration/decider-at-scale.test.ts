import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { DECIDER_LEASE, decideOnce, startDecider } from "@/server/automation/automation-loop";
import { db } from "@/server/db/client";
import { fleetOverview } from "@/server/fleet/fleet-overview";
import { LeaseLostError, type HeldLease } from "@/server/lease/assert-lease";
import { acquireLease, releaseLease } from "@/server/lease/lease";
import { leaseKeeper } from "@/server/lease/lease-keeper";
import { metrics } from "@/server/loops/loop-metrics";
import { roundTrips } from "../support/round-trips";
import { addFleetServices, fleetServiceId, seedFleetStore } from "../support/simulated-fleet";
import { until } from "../support/until";
import { ownerSql, sql } from "../support/sql";

/**
 * The decider over a fleet of 300 services of three replicas, written
 * straight to the store, each healthy and reporting. What is checked is what
 * must hold at any size: the statements of a pass do not grow with the
 * fleet, one service that cannot be decided does not stop the others, and a
 * decider that stops is seen on the fleet page and in an alert.
 */
const SMALL_FLEET = 10;
const SERVICES = 300;
const POISONED = fleetServiceId(5);

let lease: HeldLease;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const deciderProgress = () => db().loopProgress.findUnique({ where: { name: "decider" } });

beforeAll(async () => {
  await seedFleetStore();
  lease = { name: DECIDER_LEASE, holder: "scale-test", token: (await acquireLease(DECIDER_LEASE, "scale-test", 600_000)).token };
});

afterAll(async () => {
  await ownerSql(`DROP TRIGGER IF EXISTS poison ON "AutomationDecision"`);
});

describe("the decider over hundreds of services", () => {
  it("reads the whole fleet in the same statements whatever its size, and writes only what changed", async () => {
    await addFleetServices(0, SMALL_FLEET);
    await decideOnce(lease);
    const small = await roundTrips(() => decideOnce(lease));

    await addFleetServices(SMALL_FLEET, SERVICES);
    // The new services' first decisions are written once (a few transactions of a hundred services each) ...
    const firstPass = await roundTrips(async () => expect(await decideOnce(lease)).toMatchObject({ services: SERVICES, failures: {} }));
    expect(firstPass).toBeLessThan(small + 3 * 10);
    expect(await db().automationDecision.count()).toBe(SERVICES);
    // ... and after that a pass over all of them reads as much as a pass over ten.
    expect(await roundTrips(() => decideOnce(lease))).toBe(small);
    // The topology (eleven round trips: five reads over two sessions sharing one snapshot, with their
    // BEGINs, the snapshot's export and adoption and COMMITs), the active runs and the controls
    // (pauses, promotions, acknowledgements, the pre-failover gates' refusals), and the primaries'
    // in-place restarts under way.
    expect(small).toBeLessThanOrEqual(18);
  });

  it("decides every other service when one cannot be, and says which and why", async () => {
    await ownerSql(`
      CREATE OR REPLACE FUNCTION poison() RETURNS trigger AS $$
      BEGIN
        IF NEW."serviceId" = '${POISONED}' THEN RAISE EXCEPTION 'poisoned for the test'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await ownerSql(`CREATE TRIGGER poison BEFORE INSERT ON "AutomationDecision" FOR EACH ROW EXECUTE FUNCTION poison()`);
    // Every primary's agent goes quiet: each service's decision changes from `healthy` to `primary-loss-unconfirmed`.
    await sql(`UPDATE "ReplicaState" s SET "receivedAt" = now() - interval '1 hour' FROM "Replica" r WHERE r.id = s."replicaId" AND r.role = 'primary'`);

    const pass = await decideOnce(lease);
    expect(Object.keys(pass.failures)).toEqual([POISONED]);
    expect(pass.failures[POISONED]).toMatch(/^recording its decisions failed: .*poisoned for the test/);
    const decided = await db().automationDecision.groupBy({ by: ["ruleId"], _count: true });
    // The poisoned service's `healthy` was removed in the failed transaction, which rolled back whole: it keeps it.
    expect(Object.fromEntries(decided.map((row) => [row.ruleId, row._count]))).toEqual({ healthy: 1, "primary-loss-unconfirmed": SERVICES - 1 });
    expect(await db().automationDecision.findMany({ where: { serviceId: POISONED }, select: { ruleId: true } })).toEqual([{ ruleId: "healthy" }]);
  });

  it("the running decider logs it, counts it, writes it down, and the service shows as not being decided, with an alert for it alone", async () => {
    const lines: string[] = [];
    await releaseLease(DECIDER_LEASE, "scale-test");
    const stop = startDecider((line) => lines.push(line));
    try {
      const progress = await until("a pass recording the poisoned service", deciderProgress, (row) => row?.lastPassAt !== null && row?.lastPassAt !== undefined && POISONED in (row.failures as object));
      expect(progress?.subjects).toBe(SERVICES);
      expect(lines.some((line) => line.includes(`1 of ${SERVICES} services not handled: ${POISONED}: recording its decisions failed`))).toBe(true);
      expect(await metrics().registry.getSingleMetricAsString("switchyard_loop_service_failures_total")).toMatch(/switchyard_loop_service_failures_total\{loop="decider"\} [1-9]/);

      const overview = await fleetOverview();
      // This test runs the decider alone: the alert evaluator and the paging loop never passed here.
      expect(overview.loopStalls).toEqual([expect.objectContaining({ loop: "alerting" }), expect.objectContaining({ loop: "paging" })]);
      const states = new Map(overview.services.map((service) => [service.id, service.automation]));
      expect(states.get(POISONED)).toMatchObject({ state: "not-deciding", reason: expect.stringContaining("poisoned for the test") });
      expect(states.get(fleetServiceId(6))?.state).toBe("on");

      const alerting = { name: ALERTING_LEASE, holder: "scale-test", token: (await acquireLease(ALERTING_LEASE, "scale-test", 600_000)).token };
      await evaluateAlerts(alerting);
      const notDeciding = await db().alert.findMany({ where: { ruleId: "automation-not-deciding", state: "firing" } });
      expect(notDeciding.map((alert) => alert.serviceId)).toEqual([POISONED]);
      expect(notDeciding[0]?.sentence).toMatch(new RegExp(`^Automatic failover is not being decided for ${POISONED}: The decider's last pass could not decide`));

      // The cause goes away: the next pass decides it, and the alert resolves.
      await ownerSql(`DROP TRIGGER poison ON "AutomationDecision"`);
      await until("a pass without failures", deciderProgress, (row) => Object.keys((row?.failures as object) ?? { x: 1 }).length === 0);
      await evaluateAlerts(alerting);
      expect(await db().alert.count({ where: { ruleId: "automation-not-deciding", state: "firing" } })).toBe(0);
    } finally {
      stop();
      await sleep(1_000);
    }
  });

  it("a decider that stopped completing passes is named on the fleet page, and every service alerts", async () => {
    await sql(`UPDATE "LoopProgress" SET "lastPassAt" = now() - interval '1 minute', "lastError" = 'lost the automation lease mid-pass; the pass stopped', "lastErrorAt" = now() WHERE name = 'decider'`);
    const overview = await fleetOverview();
    const decider = overview.loopStalls.find((stall) => stall.loop === "decider");
    expect(decider?.sentence).toMatch(/^The decider has stopped: its last complete pass ended 60 s ago, so automatic failover is not being decided; last error .* lost the automation lease mid-pass/);
    expect(overview.services.every((service) => service.automation.state === "not-deciding")).toBe(true);

    const alerting = { name: ALERTING_LEASE, holder: "scale-test", token: (await acquireLease(ALERTING_LEASE, "scale-test", 600_000)).token };
    await evaluateAlerts(alerting);
    expect(await db().alert.count({ where: { ruleId: "automation-not-deciding", state: "firing" } })).toBe(SERVICES);
  });
});

describe("a pass longer than its lease", () => {
  it("renews the lease as it goes, and stops once another copy has taken it", async () => {
    const ttlMs = 600;
    const grant = await acquireLease("keeper-test", "copy-a", ttlMs);
    const keeper = leaseKeeper({ name: "keeper-test", holder: "copy-a", token: grant.token }, ttlMs);
    await sleep(250);
    await keeper.keep();
    await sleep(450);
    // 700 ms after the grant, past its 600 ms: still ours, because keep() renewed it.
    expect((await acquireLease("keeper-test", "copy-b", ttlMs)).held).toBe(false);
    expect(keeper.overran()).toBe(true);

    await sleep(ttlMs + 100);
    expect((await acquireLease("keeper-test", "copy-b", ttlMs)).held).toBe(true);
    await expect(keeper.keep()).rejects.toBeInstanceOf(LeaseLostError);
  });
});
