import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RENEWAL_ATTEMPTS_BEFORE_FENCE, renewalEveryIntervals } from "@/core/agents/lease-renewal";
import { FENCE_LEAD_MS } from "@/core/policy/budgets";
import { until } from "@/test/support/until";
import { ScriptedLeaseServer, startTestKeeper } from "@/test/support/lease-keeper";
import type { PrimaryLeaseKeeper } from "./primary-lease-keeper";

/*
 * The false-fence budget of core/agents/lease-renewal.ts on the keeper
 * itself: a primary renewed less often than every interval still survives
 * as many lost renewals in a row as the budget says, without its witnesses,
 * and fences once one more is lost. Scaled down from the demo policy (1 s,
 * 5 s lease) to 0.5 s and a 2.75 s lease: renewals every 1 s, three chances
 * (1, 1.5 and 2 s) before the fence at 2.5 s.
 */
const INTERVAL_MS = 500;
const PERIOD_MS = 2_750;

let dir: string;
let server: ScriptedLeaseServer;
let keeper: PrimaryLeaseKeeper | null;
/** When each renewal was sent, after the first grant (ms since it). */
let attempts: number[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-renewal-budget-"));
  server = new ScriptedLeaseServer();
  keeper = null;
  attempts = [];
});

afterEach(async () => {
  await keeper?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a keeper whose control plane grants the first renewal and then answers only those `answers` lets through. */
async function startKeeper(answers: (attempt: number) => boolean): Promise<void> {
  const grant = JSON.stringify({ granted: true, periodMs: PERIOD_MS, epoch: 1, witnessRoster: "not-a-roster" });
  let firstGrantAt: number | null = null;
  keeper = startTestKeeper({
    server,
    stateDir: dir,
    intervalMs: INTERVAL_MS,
    post: async () => {
      if (firstGrantAt === null) {
        firstGrantAt = performance.now();
        return { status: 200, body: grant };
      }
      attempts.push(performance.now() - firstGrantAt);
      if (answers(attempts.length)) return { status: 200, body: grant };
      throw new Error("connect ECONNREFUSED");
    },
  });
  await until("the first grant", () => firstGrantAt, (at) => at !== null, 5_000, 5);
}

describe("the primary lease's false-fence budget", () => {
  it("renews every second interval under a lease of five and a half, leaving three chances before the fence", () => {
    expect(renewalEveryIntervals(PERIOD_MS, INTERVAL_MS, FENCE_LEAD_MS)).toBe(2);
    expect(RENEWAL_ATTEMPTS_BEFORE_FENCE).toBe(3);
  });

  it("survives two renewals in a row lost, without witnesses: the third is granted in time", async () => {
    await startKeeper((attempt) => attempt >= RENEWAL_ATTEMPTS_BEFORE_FENCE);
    await until("three renewals after the first grant", () => attempts.length, (count) => count >= RENEWAL_ATTEMPTS_BEFORE_FENCE + 1, 10_000, 10);
    expect(server.fences).toBe(0);
    // The first at its time, the two after it an interval apart, the last at least half an interval before the fence.
    expect(attempts[0]).toBeGreaterThanOrEqual(2 * INTERVAL_MS - INTERVAL_MS / 2);
    expect(attempts[RENEWAL_ATTEMPTS_BEFORE_FENCE - 1]!).toBeLessThanOrEqual(PERIOD_MS - FENCE_LEAD_MS - INTERVAL_MS / 2);
  });

  it("fences once three renewals in a row are lost", async () => {
    await startKeeper(() => false);
    await until("the fence", () => server.fences, (fences) => fences === 1, 10_000, 10);
    expect(attempts.length).toBeGreaterThanOrEqual(RENEWAL_ATTEMPTS_BEFORE_FENCE);
  });
});
