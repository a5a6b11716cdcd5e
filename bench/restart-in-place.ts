/**
 * PostgreSQL crashed, host fine: the product with its lab, the workload
 * writing, and only the primary's postmaster SIGKILLed; its agent restarts
 * it in place (core/agents/in-place-restart.ts). Measures crash → the
 * primary takes writes again (not in recovery, default_transaction_read_only
 * off, asked directly every 50 ms), and checks that no failover ran and no
 * acknowledged write was lost. An agent restarts at most 3 times in 10
 * minutes (a crash loop is left to the failover), so every 3 runs start a
 * fresh product.
 *
 *   npm run bench:restart-in-place -- --runs 5
 */
import { parseArgs } from "node:util";
import { runningPid } from "@/embedded/postgres-cluster";
import { pgdataDir } from "@/lab/paths";
import { verifyLedger } from "@/lab/verify";
import { DEFAULT_CRASH_LOOP } from "@/core/agents/in-place-restart";
import { sampleWritablePrimaries, splitBrains, takesWrites } from "@/test/support/writable-sampler";
import { api, until } from "./support/api";
import { adminToken, startControlPlane } from "./support/control-plane";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const RUNS = Number(values.runs);
const PRIMARY = "pg-us-east-1";

const results: { writableMs: number; lost: number; runs: number; splitBrainSamples: number }[] = [];
while (results.length < RUNS) {
  const product = await startControlPlane({ lab: true, env: { LAB_SERVICES: "orders-db", LAB_RESTART_IN_PLACE: "on" } });
  try {
    const admin = await adminToken(product.url);
    for (let crash = 0; crash < DEFAULT_CRASH_LOOP.maxRestarts && results.length < RUNS; crash++) {
      await until("a healthy orders-db", () => api(product.url, "GET", "/api/v1/services/orders-db", admin), (service) =>
        service.replicas.every((replica: any) => replica.live.health === "healthy"),
      );
      const before = (await verifyLedger(product.dataDir, PRIMARY)).acknowledged;
      await until("the workload writing", () => verifyLedger(product.dataDir, PRIMARY), (check) => check.acknowledged > before + 50, 60_000, 500);
      const sampler = await sampleWritablePrimaries(product.dataDir, 100);
      const pid = await runningPid(pgdataDir(product.dataDir, PRIMARY));
      if (!pid) throw new Error(`${PRIMARY} is not running`);
      const crashedAt = Date.now();
      process.kill(pid, "SIGKILL");
      await until("the crash to show", () => takesWrites(product.dataDir, PRIMARY), (writable) => !writable, 10_000, 20);
      await until(`${PRIMARY} writable again`, () => takesWrites(product.dataDir, PRIMARY), Boolean, 60_000, 50);
      const writableMs = Date.now() - crashedAt;
      const after = (await verifyLedger(product.dataDir, PRIMARY)).acknowledged;
      await until("the workload writing again", () => verifyLedger(product.dataDir, PRIMARY), (check) => check.acknowledged > after + 50, 60_000, 500);
      const samples = await sampler.stop();
      const ledger = await verifyLedger(product.dataDir, PRIMARY);
      const runs = (await api(product.url, "GET", "/api/v1/runs?serviceId=orders-db", admin)).runs.length as number;
      results.push({ writableMs, lost: ledger.lost, runs, splitBrainSamples: splitBrains(samples).length });
      console.error(`run ${results.length}: writable again after ${writableMs} ms, ${ledger.lost} lost of ${ledger.acknowledged}, ${runs} runs`);
    }
  } finally {
    await product.stop();
  }
}
const writable = summarize(results.map((result) => result.writableMs));
console.log(
  JSON.stringify(
    {
      runs: RUNS,
      crashToWritableMs: { p50: round(writable.p50), max: round(writable.max), all: results.map((result) => result.writableMs) },
      lost: results.map((result) => result.lost),
      failoverRuns: results.map((result) => result.runs),
      splitBrainSamples: results.reduce((sum, result) => sum + result.splitBrainSamples, 0),
    },
    null,
    2,
  ),
);
