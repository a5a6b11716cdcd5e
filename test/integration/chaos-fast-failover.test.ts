import { describe, expect, it } from "vitest";
import { FAST_FAILOVER_HEARTBEAT } from "@/bench/support/fast-failover-policy";
import { applyPolicyChange, untilAgentsReportEvery } from "@/bench/support/governed-policy";
import { pauseRegion } from "@/lab/faults";
import { isolate, killAgent, startAgent } from "@/lab/network/control-client";
import { verifyLedger } from "@/lab/verify";
import { ORDERS_DB_ONLY, productForFile, until } from "../support/product";
import { sampleWritablePrimaries, splitBrains, takesWrites } from "../support/writable-sampler";

/**
 * The chaos suite under the tighter policy bench:failover measures (issue
 * 20): reports every 0.5 s, a primary unfit after 3.5 s, a 2.2 s lease that
 * lapses by the time its loss is confirmed. It must still ride out freezes
 * of the primary and the loss of its agent alone (Patroni without a
 * watchdog loses writes there), and a primary cut off must fence itself
 * before its successor takes writes.
 */
const product = productForFile(ORDERS_DB_ONLY);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function route() {
  return (await product.api("GET", "/api/v1/services/orders-db/route", product.operator)).json as { writeReplica: string; epoch: number };
}

describe("the chaos suite under the tighter failover policy", () => {
  it("does not fail over when the primary freezes for 3 s, three times", async () => {
    await product.healthy(120_000);
    await applyPolicyChange(product.running, product.admin, "orders-db", (document) => (document.heartbeat = FAST_FAILOVER_HEARTBEAT), "chaos suite: the tighter policy");
    await untilAgentsReportEvery(product.running, "orders-db", FAST_FAILOVER_HEARTBEAT.intervalSeconds);
    await product.healthy(60_000);
    const sampler = await sampleWritablePrimaries(product.running.dataDir);
    for (let freeze = 0; freeze < 3; freeze++) {
      await pauseRegion(product.running.dataDir, "aws:us-east-1", 3);
      await sleep(2_000);
    }
    // Past the 3.5 s window after the last thaw: a failover it caused would have started.
    await sleep(5_000);
    expect(splitBrains(await sampler.stop())).toEqual([]);
    expect(await route()).toMatchObject({ writeReplica: "pg-us-east-1", epoch: 1 });
    expect((await product.api("GET", "/api/v1/runs?serviceId=orders-db", product.operator)).json.runs).toEqual([]);
    const before = (await verifyLedger(product.running.dataDir, "pg-eu-west-1")).acknowledged;
    const check = await until("the workload writing on", () => verifyLedger(product.running.dataDir, "pg-eu-west-1"), (c) => c.acknowledged > before + 50, 60_000);
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 180_000);

  it("does not fail over, and loses no write, when only the primary's agent is killed", async () => {
    await product.healthy(120_000);
    const { running } = product;
    const sampler = await sampleWritablePrimaries(running.dataDir);
    await killAgent(running.dataDir, "aws:us-east-1");
    try {
      await until(
        "the decider to see the primary's agent gone while its witnesses still reach it",
        () => product.api("GET", "/api/v1/services/orders-db/automation", product.operator),
        ({ json }) => json.recorded?.some((decision: { ruleId: string }) => decision.ruleId === "primary-loss-unconfirmed"),
        60_000,
      );
      // Well past the 3.5 s window and the 2.2 s lease.
      await sleep(10_000);
    } finally {
      await startAgent(running.dataDir, "aws:us-east-1");
    }
    const samples = await sampler.stop();
    expect(splitBrains(samples)).toEqual([]);
    // Nobody fenced the primary: it took writes in every sample.
    expect(samples.filter((sample) => sample.writable.join() !== "pg-us-east-1")).toEqual([]);
    expect(await route()).toMatchObject({ writeReplica: "pg-us-east-1", epoch: 1 });
    expect((await product.api("GET", "/api/v1/runs?serviceId=orders-db", product.operator)).json.runs).toEqual([]);
    const before = (await verifyLedger(running.dataDir, "pg-eu-west-1")).acknowledged;
    const check = await until("the workload writing on", () => verifyLedger(running.dataDir, "pg-eu-west-1"), (c) => c.acknowledged > before + 50, 60_000);
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 180_000);

  it("fences the primary whose region is cut off before its successor takes writes, sampled every 50 ms", async () => {
    await product.healthy(120_000);
    const { running } = product;
    const sampler = await sampleWritablePrimaries(running.dataDir, 50);
    await sleep(1_000);
    await isolate(running.dataDir, "aws:us-east-1");
    await until("the write route to move", route, (now) => now.writeReplica !== "pg-us-east-1", 60_000);
    await until("the new primary to take writes", () => takesWrites(running.dataDir, "pg-eu-west-1"), Boolean, 30_000);
    const samples = await sampler.stop();
    expect(splitBrains(samples)).toEqual([]);
    const lastOld = samples.findLast((sample) => sample.writable.includes("pg-us-east-1"));
    const firstNew = samples.find((sample) => sample.writable.includes("pg-eu-west-1"));
    expect(lastOld && firstNew).toBeTruthy();
    // At least one 50 ms sample saw neither writable: the old one had fenced itself before the new one was promoted.
    expect(samples.some((sample) => sample.at > lastOld!.at && sample.at < firstNew!.at && sample.writable.length === 0)).toBe(true);
    expect(await route()).toMatchObject({ writeReplica: "pg-eu-west-1", epoch: 2 });
    const before = (await verifyLedger(running.dataDir, "pg-eu-west-1")).acknowledged;
    const check = await until("the workload writing to the new primary", () => verifyLedger(running.dataDir, "pg-eu-west-1"), (c) => c.acknowledged > before + 50, 60_000);
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 180_000);
});
