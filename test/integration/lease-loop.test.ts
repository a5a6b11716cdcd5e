import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { acquireLease } from "@/server/lease/lease";
import { ALERTING_LEASE, startAlerting } from "@/server/alerts/alerting-loop";
import { DECIDER_LEASE, startDecider } from "@/server/automation/automation-loop";
import { startJobs } from "@/server/jobs/scheduler";
import { startLeaseLoop } from "@/server/loops/lease-loop";
import { EXECUTOR_LEASE, startRunExecutor } from "@/server/executor/run-executor";
import { until } from "../support/until";

const TTL_MS = 600_000;

function loopOn(lease: string, options: { tickMs: number; wakeOn?: string }) {
  let passes = 0;
  const stop = startLeaseLoop({ loop: lease, lease, ttlMs: TTL_MS, ...options, log: () => {}, pass: async () => ({ subjects: ++passes, failures: {} }) });
  return { stop, passes: () => passes };
}

describe("a leased loop", () => {
  it("holds its lease while it runs, and gives it up when stopped so that another copy takes it at once", async () => {
    const loop = loopOn("test-release", { tickMs: 20 });
    await until("a first pass", () => loop.passes() > 0, Boolean, 10_000, 20);
    expect((await acquireLease("test-release", "another-copy", TTL_MS)).held).toBe(false);

    await loop.stop();
    const passes = loop.passes();
    expect((await acquireLease("test-release", "another-copy", TTL_MS)).held).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(loop.passes()).toBe(passes);
  });

  it("leaves a lease it does not hold alone when stopped", async () => {
    expect((await acquireLease("test-not-held", "another-copy", TTL_MS)).held).toBe(true);
    const loop = loopOn("test-not-held", { tickMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await loop.stop();
    expect(loop.passes()).toBe(0);
    const row = await db().lease.findUniqueOrThrow({ where: { name: "test-not-held" } });
    expect(row.holder).toBe("another-copy");
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + TTL_MS / 2);
  });

  it("passes at once when its channel is notified, long before its tick", async () => {
    const loop = loopOn("test-wake", { tickMs: 60_000, wakeOn: "test_lease_loop_wake" });
    try {
      await until("a first pass", () => loop.passes() === 1, Boolean, 10_000, 20);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(loop.passes()).toBe(1);
      await db().$executeRaw`SELECT pg_notify('test_lease_loop_wake', 'now')`;
      await until("a pass on the notification", () => loop.passes() === 2, Boolean, 5_000, 20);
    } finally {
      await loop.stop();
    }
  });

  it.each([
    { lease: DECIDER_LEASE, start: startDecider },
    { lease: EXECUTOR_LEASE, start: startRunExecutor },
    { lease: ALERTING_LEASE, start: startAlerting },
    { lease: "maintenance", start: startJobs },
  ])("$lease: the control-plane loop gives its lease up when stopped", async ({ lease, start }) => {
    const lines: string[] = [];
    const stop = start((line) => lines.push(line));
    await until(`the ${lease} lease`, () => lines.some((line) => line.startsWith(`holding the ${lease} lease`)), Boolean, 10_000, 20);
    expect((await acquireLease(lease, "another-copy", TTL_MS)).held).toBe(false);
    await stop();
    expect((await acquireLease(lease, "another-copy", TTL_MS)).held).toBe(true);
  });
});
