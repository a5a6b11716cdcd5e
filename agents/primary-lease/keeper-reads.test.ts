import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STANDBY_READ_EVERY_INTERVALS } from "@/core/agents/keeper-reads";
import { renewalEveryIntervals } from "@/core/agents/lease-renewal";
import { FENCE_LEAD_MS } from "@/core/policy/budgets";
import { until } from "@/test/support/until";
import { ScriptedLeaseServer, startTestKeeper } from "@/test/support/lease-keeper";
import type { PrimaryLeaseKeeper } from "./primary-lease-keeper";

const INTERVAL_MS = 40;
/** Long enough that a standby's rest (ten of them) outlasts every wait below: a read within one was woken. */
const LONG_INTERVAL_MS = 1000;

let dir: string;
let server: ScriptedLeaseServer;
let keeper: PrimaryLeaseKeeper;
let logs: Record<string, unknown>[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-keeper-reads-"));
  server = new ScriptedLeaseServer("standby");
  logs = [];
});

function startKeeper(intervalMs: number, post: () => Promise<{ status: number; body: string }> = async () => ({ status: 404, body: "" })): void {
  // By default a control plane from before leases: the keeper asks, and fences nothing by itself.
  keeper = startTestKeeper({ server, stateDir: dir, intervalMs, post, log: (line) => logs.push(line) });
}

afterEach(async () => {
  await keeper.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wait = <T>(what: string, read: () => T, accept: (value: T) => boolean) => until(what, read, accept, 5_000, 5);

describe("the lease keeper's reads of its server", () => {
  it("reads a standby rarely: fewer reads over several intervals than one an interval", async () => {
    startKeeper(INTERVAL_MS);
    await wait("the first read", () => server.reads, (reads) => reads >= 1);
    await sleep((STANDBY_READ_EVERY_INTERVALS / 2) * INTERVAL_MS);
    // One an interval would be six by now; resting, it is still the first (two if the machine stalled for a whole rest).
    expect(server.reads).toBeLessThanOrEqual(2);
  });

  it("reads at once when the agent's probe sees a primary where it last read a standby, and then every interval", async () => {
    startKeeper(LONG_INTERVAL_MS);
    await wait("the keeper to see a standby", () => logs.some((line) => line.rule === "standby"), Boolean);
    const before = server.reads;
    server.role = "primary";
    keeper.probed({ reachable: true, role: "standby" });
    await sleep(2 * LONG_INTERVAL_MS);
    expect(server.reads).toBe(before);
    keeper.probed({ reachable: true, role: "primary" });
    await wait("the keeper to see the primary", () => logs.some((line) => line.rule === "grace"), Boolean);
    const seen = server.reads;
    await wait("reads every interval on a primary", () => server.reads, (reads) => reads >= seen + 2);
  });

  it("reads a primary once an interval: an answer of the control plane, which wakes the keeper, does not read it again", async () => {
    server.role = "primary";
    let requests = 0;
    startKeeper(INTERVAL_MS, async () => {
      requests++;
      return { status: 404, body: "" };
    });
    await wait("the keeper to see a primary", () => logs.some((line) => line.rule === "grace"), Boolean);
    const [readsBefore, requestsBefore] = [server.reads, requests];
    await sleep(10 * INTERVAL_MS);
    const [reads, asked] = [server.reads - readsBefore, requests - requestsBefore];
    expect(asked).toBeGreaterThanOrEqual(5);
    // A read per request, not one for the request and another for its answer.
    expect(reads).toBeLessThanOrEqual(asked + 1);
  });

  it("reads at once when the agent's probe gets no answer where it last read a standby", async () => {
    startKeeper(LONG_INTERVAL_MS);
    await wait("the keeper to see a standby", () => logs.some((line) => line.rule === "standby"), Boolean);
    const before = server.reads;
    keeper.probed({ reachable: false, role: null });
    await wait("a read at once", () => server.reads, (reads) => reads > before);
  });

  it("renews a fresh grant, and reads its primary, only when the renewal falls due, and reads at once when the probe sees a standby meanwhile", async () => {
    const intervalMs = 100;
    const periodMs = 1_000;
    const every = renewalEveryIntervals(periodMs, intervalMs, FENCE_LEAD_MS);
    expect(every).toBe(5);
    server.role = "primary";
    let requests = 0;
    const grant = JSON.stringify({ granted: true, periodMs, epoch: 1, witnessRoster: "not-a-roster" });
    startKeeper(intervalMs, async () => {
      requests++;
      return { status: 200, body: grant };
    });
    await wait("the first grant", () => logs.some((line) => line.rule === "control-plane"), Boolean);
    const [readsBefore, requestsBefore] = [server.reads, requests];
    await sleep(4 * every * intervalMs);
    const [reads, asked] = [server.reads - readsBefore, requests - requestsBefore];
    // Every interval would be twenty; every fifth, four (five if one fell on the start).
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(asked).toBeLessThanOrEqual(5);
    expect(reads).toBeLessThanOrEqual(asked + 1);
    expect(logs.some((line) => line.event === "primary_lease.decision" && line.rule === "lapsed")).toBe(false);

    const before = server.reads;
    server.role = "standby";
    keeper.probed({ reachable: true, role: "standby" });
    await wait("a read at once", () => server.reads, (count) => count > before);
    await wait("the keeper to see the standby", () => logs.some((line) => line.rule === "standby"), Boolean);
  });

  it("does not renew a fresh grant on a tick woken between renewals", async () => {
    const intervalMs = 100;
    server.role = "primary";
    let requests = 0;
    const grant = JSON.stringify({ granted: true, periodMs: 1_000, epoch: 1, witnessRoster: "not-a-roster" });
    startKeeper(intervalMs, async () => {
      requests++;
      return { status: 200, body: grant };
    });
    await wait("the first grant", () => logs.some((line) => line.rule === "control-plane"), Boolean);
    const [readsBefore, requestsBefore] = [server.reads, requests];
    // As the in-place restarter would, every interval: each wake reads the server.
    const waking = setInterval(() => keeper.wake(), intervalMs);
    await sleep(20 * intervalMs);
    clearInterval(waking);
    expect(server.reads - readsBefore).toBeGreaterThanOrEqual(10);
    expect(requests - requestsBefore).toBeLessThanOrEqual(5);
  });
});
