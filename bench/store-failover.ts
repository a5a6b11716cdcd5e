/**
 * The control plane's outage as its clients see it while its own store fails
 * over: the store is a three-node Patroni cluster (synchronous mode, ttl 10 s)
 * behind HAProxy, as README "The store on a highly available PostgreSQL" sets
 * it up; the product runs on it with the lab's orders-db reporting. Each run
 * SIGKILLs the store's primary node (Patroni and PostgreSQL), sends an
 * authenticated read every 100 ms, and measures from the kill to the last
 * failed answer (followed by 5 s of successful ones); then the killed node
 * rejoins and the next run waits for a synchronous standby again.
 *
 *   npm run bench:store-failover -- --runs 3
 */
import { parseArgs } from "node:util";
import { PatroniStore } from "@/test/support/patroni-store";
import { startProduct } from "@/test/support/product";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);
const POLL_MS = 100;
const SETTLED_MS = 5_000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const store = await PatroniStore.start();
  const product = await startProduct({ labServices: ["orders-db"], env: { DATABASE_URL: store.url("app"), MIGRATION_DATABASE_URL: store.url("owner") } });
  const outages: number[] = [];
  const failedRequests: number[] = [];
  try {
    await product.healthy(120_000);
    for (let run = 1; run <= RUNS; run++) {
      await store.waitForSyncStandby(120_000);
      await delay(5_000);
      const leader = (await store.leader())!;
      const killedAt = Date.now();
      store.killNode(leader);
      let lastFailureAt = killedAt;
      let failed = 0;
      while (Date.now() - lastFailureAt < SETTLED_MS) {
        const answer = await fetch(`${product.running.url}/api/v1/services/orders-db`, {
          headers: { authorization: `Bearer ${product.operator}` },
          signal: AbortSignal.timeout(5_000),
        }).catch(() => null);
        if (answer?.status !== 200) {
          lastFailureAt = Date.now();
          failed++;
        }
        await answer?.arrayBuffer();
        await delay(POLL_MS);
      }
      const outage = (lastFailureAt - killedAt) / 1000;
      outages.push(outage);
      failedRequests.push(failed);
      console.log(`run ${run}: ${leader} killed, the API failed for ${outage.toFixed(1)} s (${failed} failed requests), new store primary ${await store.leader()}`);
      store.restartNode(leader);
    }
  } finally {
    await product.running.stop();
    await store.stop();
  }
  const summary = summarize(outages);
  console.log(JSON.stringify({ runs: RUNS, outageSeconds: { p50: round(summary.p50), max: round(summary.max), all: outages.map((value) => round(value)) }, failedRequests }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
