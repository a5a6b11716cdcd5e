import { describe, expect, it } from "vitest";
import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";
import { judgeReplica, observationOf, serviceBudgets } from "./judge-replica";

const now = new Date(Date.UTC(2026, 10, 26, 5, 0, 0));
const datasets = [
  { consistency: "strong", rpoSeconds: 0 },
  { consistency: "eventual", rpoSeconds: 30 },
  { consistency: "eventual", rpoSeconds: 12 },
] as const;

const report = {
  error: null,
  walReceiver: { status: "streaming", senderHost: null, senderPort: null, receivedTli: 1, flushedLsn: null, lastMessageAt: null, slotName: null },
  settings: { synchronous_commit: "on", synchronous_standby_names: "", default_transaction_read_only: "off", transaction_read_only: "on" },
  standbys: [],
};

describe("service budgets", () => {
  it("come from the policy's heartbeat and failover maximum and the tightest eventual RPO", () => {
    expect(serviceBudgets(GLOBAL_DEFAULT_POLICY, datasets)).toEqual({ staleAfterMs: 5_000, maxLagBytes: 1024 * 1024, rpoSeconds: 12 });
  });

  it("scale the staleness window with the heartbeat", () => {
    const policy = { ...GLOBAL_DEFAULT_POLICY, heartbeat: { intervalSeconds: 2, missesBeforeUnfit: 3 } };
    expect(serviceBudgets(policy, []).staleAfterMs).toBe(6_000);
  });

  it("have no RPO budget when only strong datasets exist, and no lag maximum without a policy", () => {
    expect(serviceBudgets(undefined, [datasets[0]])).toEqual({ staleAfterMs: 5_000, maxLagBytes: null, rpoSeconds: null });
  });
});

describe("judging a replica", () => {
  const budgets = serviceBudgets(GLOBAL_DEFAULT_POLICY, datasets);
  const state = { receivedAt: new Date(now.getTime() - 1_000), reachable: true, role: "standby" as const, lagBytes: 4096n, lagSeconds: 0.5 };

  it("reads lag bytes stored as bigint and the WAL receiver from the report", () => {
    const observation = observationOf(state, report);
    expect(observation).toMatchObject({ lagBytes: 4096, walReceiverStatus: "streaming", synchronousStandbyNames: "", role: "standby" });
    expect(judgeReplica("standby", observation, budgets, now)).toEqual({ health: "healthy", reasons: [] });
  });

  it("holds lag against the tightest RPO budget", () => {
    const verdict = judgeReplica("standby", observationOf({ ...state, lagSeconds: 20 }, report), budgets, now);
    expect(verdict).toEqual({ health: "degraded", reasons: ["lag 20 s exceeds the RPO budget 12 s"] });
  });

  it("marks a report older than the window stale, whatever it said", () => {
    const verdict = judgeReplica("standby", observationOf({ ...state, receivedAt: new Date(now.getTime() - 6_000) }, report), budgets, now);
    expect(verdict.health).toBe("stale");
  });

  it("is unknown without a report, and ignores a witness's reported role", () => {
    expect(judgeReplica("standby", null, budgets, now).health).toBe("unknown");
    expect(observationOf({ ...state, role: "witness" }, undefined)).toMatchObject({ role: null, walReceiverStatus: null, standbys: [] });
  });

  it("without a policy never calls lag excessive in bytes", () => {
    const verdict = judgeReplica("standby", observationOf({ ...state, lagBytes: 10n ** 12n }, report), serviceBudgets(undefined, []), now);
    expect(verdict.health).toBe("healthy");
  });
});
