/**
 * Lease hand-over between control-plane copies: copies as `npm start` runs
 * them (production build) on one store, each under its own supervisor (the
 * start script restarts a control plane that dies). The first copy keeps
 * the store and serves the API with its loops off (SWITCHYARD_JOBS=off), as
 * a database server would be elsewhere; the other `--copies` run every loop
 * and compete for the leases. Each round SIGKILLs the `next start` process
 * holding the decider's lease (`automation`), as a crashed host would,
 * without giving anything up, and measures, for each lease that process
 * held, the time from the kill until another process holds it (the store's
 * Lease row names a new holder with a higher fencing token), read every
 * 20 ms. The killed copy's supervisor restarts it; the next round waits for
 * the leases to settle again. With `--freeze` the holder is SIGSTOPped
 * instead — a lost host or a cut network, whose store session stays open —
 * and let go on (SIGCONT) once its leases have moved, so the figure is the
 * TTL's.
 *
 *   npm run bench:takeover -- --copies 3 --rounds 5 [--freeze]
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { anotherCopyEnv, startControlPlane, type RunningControlPlane } from "./support/control-plane";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    copies: { type: "string", default: "3" },
    rounds: { type: "string", default: "5" },
    freeze: { type: "boolean", default: false },
  },
});
const COPIES = Number(values.copies);
const ROUNDS = Number(values.rounds);
const SIGNAL = values.freeze ? "SIGSTOP" : "SIGKILL";
/** The leases that carry out failovers: the decider, the run executor, the alert evaluator. */
const LEASES = ["automation", "run-executor", "alerting"] as const;

interface LeaseRow {
  name: string;
  holder: string;
  token: string;
  live: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pidOf = (holder: string) => Number(holder.split(":").at(-2));

async function main() {
  const first = await startControlPlane({ env: { SWITCHYARD_JOBS: "off" } });
  const copies: RunningControlPlane[] = [];
  const store = new pg.Client({ connectionString: first.databaseUrl });
  try {
    const env = anotherCopyEnv(first);
    for (let i = 0; i < COPIES; i++) copies.push(await startControlPlane({ env }));
    await store.connect();
    const leases = async () =>
      (
        await store.query<LeaseRow>(`SELECT name, holder, token::text, "expiresAt" > now() AS live FROM "Lease" WHERE name = ANY($1)`, [[...LEASES]])
      ).rows;
    const settled = async () => {
      for (;;) {
        const rows = await leases();
        if (rows.length === LEASES.length && rows.every((row) => row.live)) return rows;
        await sleep(100);
      }
    };
    const handOvers: Record<string, number[]> = Object.fromEntries(LEASES.map((name) => [name, []]));
    for (let round_ = 1; round_ <= ROUNDS; round_++) {
      await settled();
      // Let every copy (a restarted one too) be up and renewing before the next kill.
      await sleep(15_000);
      const before = await settled();
      const victim = before.find((row) => row.name === "automation")!.holder;
      const pid = pidOf(victim);
      const held = before.filter((row) => pidOf(row.holder) === pid);
      process.kill(pid, SIGNAL);
      const killedAt = performance.now();
      const waiting = new Map(held.map((row) => [row.name, BigInt(row.token)]));
      const line: string[] = [];
      while (waiting.size > 0) {
        for (const row of await leases()) {
          const token = waiting.get(row.name);
          if (token !== undefined && row.live && pidOf(row.holder) !== pid && BigInt(row.token) > token) {
            const ms = performance.now() - killedAt;
            handOvers[row.name]!.push(ms);
            line.push(`${row.name} ${round(ms / 1000, 2)} s → pid ${pidOf(row.holder)} (token ${row.token})`);
            waiting.delete(row.name);
          }
        }
        if (performance.now() - killedAt > 60_000) {
          if (values.freeze) process.kill(pid, "SIGCONT");
          throw new Error(`round ${round_}: no hand-over within 60 s of ${[...waiting.keys()].join(", ")}`);
        }
        await sleep(20);
      }
      if (values.freeze) process.kill(pid, "SIGCONT");
      console.log(`round ${round_}: ${SIGNAL} to pid ${pid} holding ${held.map((row) => row.name).join(", ")}: ${line.join("; ")}`);
    }
    console.log(`\n${COPIES} competing copies, ${ROUNDS} rounds: time from ${SIGNAL} of the holder to another copy holding the lease`);
    console.log("| lease | TTL | hand-overs | p50 | max |");
    console.log("|---|---|---|---|---|");
    const ttl: Record<string, string> = { automation: "5 s", "run-executor": "10 s", alerting: "10 s" };
    for (const name of LEASES) {
      const stats = summarize(handOvers[name]!);
      console.log(`| ${name} | ${ttl[name]} | ${stats.count} | ${round(stats.p50 / 1000, 2)} s | ${round(stats.max / 1000, 2)} s |`);
    }
  } finally {
    await store.end().catch(() => undefined);
    for (const copy of copies.reverse()) await copy.stop();
    await first.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
