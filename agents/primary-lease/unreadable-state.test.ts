import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { until } from "@/test/support/until";
import { ScriptedLeaseServer, startTestKeeper } from "@/test/support/lease-keeper";
import { LEASE_STATE_FILE } from "./lease-state";
import type { PrimaryLeaseKeeper } from "./primary-lease-keeper";

let dir: string;
let server: ScriptedLeaseServer;
let keeper: PrimaryLeaseKeeper | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-unreadable-lease-"));
  server = new ScriptedLeaseServer();
});

afterEach(async () => {
  await keeper?.stop();
  keeper = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function startKeeper(): PrimaryLeaseKeeper {
  // A control plane that does not answer (503): only the grace, or its absence, decides. A grace far longer than the test waits for the fence: a fence within it is not the grace ending.
  keeper = startTestKeeper({ server, stateDir: dir, intervalMs: 40, graceMs: 60_000, post: async () => ({ status: 503, body: "" }) });
  return keeper;
}

describe("a lease keeper whose state file cannot be read", () => {
  it("gives a primary no grace: it fences it at once, where an agent that never held a lease waits out the grace", async () => {
    const fresh = startKeeper();
    await until("the keeper's first read", () => fresh.healthView().lease, (lease) => "rule" in lease && lease.rule !== "server-unknown", 5_000, 5);
    expect(fresh.healthView().lease).toMatchObject({ held: true, rule: "grace" });
    expect(server.fences).toBe(0);
    await fresh.stop();

    // What a machine crash in the middle of a write can leave.
    writeFileSync(path.join(dir, LEASE_STATE_FILE), '{"version":1,"grant":{"sentAt":"2026-12');
    server = new ScriptedLeaseServer();
    startKeeper();
    await until("the fence", () => server.fences, (fences) => fences === 1, 5_000, 5);
  });
});
