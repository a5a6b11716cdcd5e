import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { until } from "@/test/support/until";
import { createLogger } from "../log";
import { AgentMetrics } from "../metrics";
import type { LeaseServer, SelfFenceResult, ServerState } from "./lease-server";
import { LEASE_STATE_FILE } from "./lease-state";
import { PrimaryLeaseKeeper } from "./primary-lease-keeper";

/** A writable primary that records the keeper's fences. */
class WritablePrimary implements LeaseServer {
  fences = 0;
  readonly error = null;
  async read(): Promise<ServerState> {
    return { role: "primary", readOnly: this.fences > 0 };
  }
  serverTimeUs(monotonicMs: number): number {
    return monotonicMs * 1000;
  }
  monotonicMs(serverUs: number): number {
    return serverUs / 1000;
  }
  async askForVouches(): Promise<void> {}
  async fence(): Promise<SelfFenceResult> {
    this.fences++;
    return { fenced: true, finalPosition: "0/1", terminatedSessions: 0, wasReadOnly: false };
  }
  async unfence(): Promise<never> {
    throw new Error("not in this test");
  }
  async close(): Promise<void> {}
}

let dir: string;
let server: WritablePrimary;
let keeper: PrimaryLeaseKeeper | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-unreadable-lease-"));
  server = new WritablePrimary();
});

afterEach(async () => {
  await keeper?.stop();
  keeper = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function startKeeper(): PrimaryLeaseKeeper {
  keeper = new PrimaryLeaseKeeper({
    controlPlaneUrl: "http://127.0.0.1:9",
    // A control plane that does not answer (503): only the grace, or its absence, decides.
    http: { post: async () => ({ status: 503, body: "" }), close: () => {} },
    token: "agent-token",
    agentName: "agent-test",
    controlPlaneKeys: { ids: [], keyFor: () => undefined },
    replica: { replica: "pg-test", regionId: "us-east-1" },
    intervalMs: 40,
    timeoutMs: 1000,
    // Far longer than the test waits for the fence: a fence within it is not the grace ending.
    graceMs: 60_000,
    server: () => server,
    stateDir: dir,
    metrics: new AgentMetrics({ processMetrics: false }),
    log: createLogger("agent-test", () => {}),
  });
  keeper.start();
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
    server = new WritablePrimary();
    startKeeper();
    await until("the fence", () => server.fences, (fences) => fences === 1, 5_000, 5);
  });
});
