/**
 * Patroni's footprint on this machine, beside the agent's (`bench:agent`):
 * issue 20 asks the agent to be as cheap as Patroni at ttl 10, and both
 * figures move with the machine, so they are measured on the same one.
 * Three PostgreSQL 15 nodes managed by Debian's Patroni (ttl 10, loop_wait 2,
 * retry_timeout 4, synchronous mode; or at ttl 5) over a one-member etcd, as
 * test/support/patroni-store.ts starts them, with nothing checking Patroni's
 * REST API (bench:agent runs the lab without HAProxy too). After a warm-up it
 * samples each Patroni process's resident memory every second and its CPU
 * time (all its threads, not its PostgreSQL) over the run, and etcd's.
 *
 *   npm run bench:patroni -- --seconds 120
 *   npm run bench:patroni -- --ttl 5   (issue 20's fastest Patroni: loop_wait 1, retry_timeout 2, a loop a second as the agent's demo policy ticks)
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { PATRONI_TTL_10, PATRONI_TTL_5, PatroniStore } from "@/test/support/patroni-store";
import { cpuSeconds, residentMiB } from "./support/process-cpu";
import { machineUnderLoad } from "./support/machine";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "120" }, warmup: { type: "string", default: "20" }, ttl: { type: "string", default: "10" } } });
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const TIMINGS = { "10": PATRONI_TTL_10, "5": PATRONI_TTL_5 } as const;
if (values.ttl !== "10" && values.ttl !== "5") throw new Error(`--ttl: 10 (loop_wait 2, retry_timeout 4) or 5 (loop_wait 1, retry_timeout 2), not ${values.ttl}`);
const timing = TIMINGS[values.ttl];

const store = await PatroniStore.start({ loadBalancer: false, timing });
try {
  await store.waitForSyncStandby(120_000);
  await new Promise((resolve) => setTimeout(resolve, WARMUP * 1000));
  const { managers, etcd } = store.processIds();
  const roles = new Map((await store.members()).map((member) => [member.name, member.role]));
  const processes = [...managers.map((manager) => ({ ...manager, role: roles.get(manager.name) ?? "unknown" })), { name: "etcd", pid: etcd, role: "dcs" }];
  const rss = new Map(processes.map(({ pid }) => [pid, [] as number[]]));
  const cpuAtStart = new Map(processes.map(({ pid }) => [pid, cpuSeconds(pid)]));
  const loadAtStart = os.loadavg()[0]!;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    for (const { pid } of processes) rss.get(pid)!.push(residentMiB(pid));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const elapsed = (performance.now() - started) / 1000;
  const rolesAtEnd = new Map((await store.members()).map((member) => [member.name, member.role]));
  console.log(
    JSON.stringify(
      {
        machine: machineUnderLoad(loadAtStart),
        parameters: { ...timing, synchronousMode: true, seconds: SECONDS, warmupSeconds: WARMUP, restApiChecked: false },
        processes: processes.map(({ name, pid, role }) => {
          const memory = summarize(rss.get(pid)!);
          return {
            name,
            role,
            // A failover during the run would make the roles mean little.
            roleAtEnd: name === "etcd" ? role : (rolesAtEnd.get(name) ?? "unknown"),
            rssMiB: { p50: round(memory.p50), max: round(memory.max) },
            cpuPercentOfOneCore: round((100 * (cpuSeconds(pid) - cpuAtStart.get(pid)!)) / elapsed, 2),
          };
        }),
      },
      null,
      2,
    ),
  );
} finally {
  await store.stop();
}
