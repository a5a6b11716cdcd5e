/**
 * Agent footprint: runs the product with its lab (three real PostgreSQL
 * clusters, one agent per replica at a 1 s interval reporting to the real
 * control plane) and samples each agent process's resident memory and CPU
 * from /proc for a while.
 *
 *   npm run bench:agent -- --seconds 300
 *   npm run bench:agent -- --node-flags="--lite-mode --max-semi-space-size=1"   (other flags than AGENT_NODE_FLAGS)
 *   npm run bench:agent -- --cpu-prof /tmp/agent-profiles   (and where each agent's CPU went, from V8's profiler, which costs CPU itself)
 *   npm run bench:agent -- --haproxy   (with the lab's HAProxy, when installed, checking every agent's health endpoints every 250 ms)
 *   npm run bench:agent -- --policy fast   (orders-db's policy changed, through two approvers, to the tighter one bench:failover measures: 0.5 s reports and witness probes, a 2.2 s lease)
 *   npm run bench:agent -- --scrape 15   (each agent's /metrics read every 15 s, as a Prometheus would, from the end of the warm-up)
 *   npm run bench:agent -- --variant "MALLOC_ARENA_MAX=2"   (side by side: after the warm-up both standbys' agents are started
 *     again, one of them with these environment assignments and node flags, and warmed up again; --variant-replica names which,
 *     pg-europe-west3 unless told: the same machine and the same moments for both, where runs one after the other differ by
 *     the machine's mood)
 *
 * Without --haproxy the lab runs no HAProxy (LAB_HAPROXY=off): what is measured is the agent's own work.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadAgentState } from "@/agents/enrollment/agent-state";
import { AGENT_NODE_FLAGS, AGENT_NODE_FLAGS_ENV } from "@/agents/node-flags";
import { findHaproxy } from "@/lab/haproxy";
import { parseVariant, replicaOf, restartAgent, stateDirOf, stopAgents } from "./support/agent-variant";
import { adminToken, startControlPlane } from "./support/control-plane";
import { FAILOVER_SERVICES } from "./support/failover-service";
import { FAST_FAILOVER_HEARTBEAT } from "./support/fast-failover-policy";
import { applyPolicyChange, untilAgentsReportEvery } from "./support/governed-policy";
import { summarizeCpuProfile } from "./support/cpu-profile-summary";
import { residentMiB } from "./support/process-cpu";
import { machineUnderLoad } from "./support/machine";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "300" },
    warmup: { type: "string", default: "20" },
    "node-flags": { type: "string", default: AGENT_NODE_FLAGS.join(" ") },
    "cpu-prof": { type: "string" },
    haproxy: { type: "boolean", default: false },
    policy: { type: "string", default: "demo" },
    scrape: { type: "string" },
    variant: { type: "string" },
    "variant-replica": { type: "string", default: "pg-europe-west3" },
  },
});
if (values.policy !== "demo" && values.policy !== "fast") throw new Error(`--policy: demo or fast, not ${values.policy}`);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const SCRAPE_SECONDS = values.scrape === undefined ? null : Number(values.scrape);
if (SCRAPE_SECONDS !== null && !(SCRAPE_SECONDS > 0)) throw new Error(`--scrape: seconds between two reads of /metrics, not ${values.scrape}`);
const VARIANT = values.variant === undefined ? null : parseVariant(values.variant);
const CLOCK_TICKS = 100; // USER_HZ on Linux

function agentPids(bundle: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(bundle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Of the resident memory, what is this process's own: RSS counts the pages of
 * the node binary it touched, which every Node process on the host shares
 * (PSS divides them among their users; private is the process's alone).
 */
function ownMiB(pid: number): { pss: number; private: number } {
  const fields = Object.fromEntries(
    readFileSync(`/proc/${pid}/smaps_rollup`, "utf8")
      .split("\n")
      .map((line) => /^(\w+):\s+(\d+) kB/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], Number(match[2]) / 1024]),
  );
  return { pss: fields.Pss ?? 0, private: (fields.Private_Dirty ?? 0) + (fields.Private_Clean ?? 0) };
}

/** Where the agent of this process serves /metrics, from the state folder its command line names. */
function metricsUrl(pid: number): string {
  const { host } = loadAgentState(stateDirOf(pid));
  if (host.metrics.port === 0) throw new Error(`the agent ${pid} serves no metrics (--scrape)`);
  return `http://${host.metrics.host}:${host.metrics.port}/metrics`;
}

/** Reads every agent's /metrics every `seconds` until stopped; a read that failed fails the run when it stops. */
function scrapeEvery(seconds: number, urls: string[]): { stop(): Promise<void> } {
  let failure: Error | null = null;
  const scrape = () =>
    Promise.all(
      urls.map(async (url) => {
        const response = await fetch(url);
        await response.text();
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      }),
    ).catch((error: Error) => (failure ??= error));
  void scrape();
  const timer = setInterval(scrape, seconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      if (failure) throw failure;
    },
  };
}

/** User and system CPU time: system time is the kernel working for the process (sockets, fsync, timers). */
function cpuTicks(pid: number): { user: number; system: number } {
  // Fields after the command name (which may hold spaces) start at ")".
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

const CPU_PROFILE_DIR = values["cpu-prof"] ? path.resolve(values["cpu-prof"]) : null;
if (CPU_PROFILE_DIR) mkdirSync(CPU_PROFILE_DIR, { recursive: true });
// Each agent writes its profile when it stops.
const NODE_FLAGS = [values["node-flags"], ...(CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [])].join(" ");

let pids: number[] = [];
let restarted: number[] = [];
const controlPlane = await startControlPlane({ lab: true, env: { LAB_SERVICES: "orders-db", LAB_HAPROXY: values.haproxy ? "on" : "off", [AGENT_NODE_FLAGS_ENV]: NODE_FLAGS } });
try {
  if (values.policy === "fast") {
    const service = FAILOVER_SERVICES["orders-db"]!.id;
    await applyPolicyChange(controlPlane, await adminToken(controlPlane.url), service, (document) => (document.heartbeat = FAST_FAILOVER_HEARTBEAT), "benchmark: the agents' footprint under the tighter policy");
    await untilAgentsReportEvery(controlPlane, service, FAST_FAILOVER_HEARTBEAT.intervalSeconds);
  }
  const bundle = path.join(controlPlane.dataDir, "agents", "switchyard-agent.cjs");
  await new Promise((resolve) => setTimeout(resolve, WARMUP * 1000));
  pids = agentPids(bundle);
  if (pids.length === 0) throw new Error("no agent processes found");
  const variantOf = new Map<number, string>();
  if (VARIANT) {
    const primary = FAILOVER_SERVICES["orders-db"]!.replicas[0];
    const standbys = pids.filter((pid) => replicaOf(pid) !== primary);
    if (!standbys.some((pid) => replicaOf(pid) === values["variant-replica"])) throw new Error(`--variant-replica: ${values["variant-replica"]} is not one of the standbys (${standbys.map(replicaOf).join(", ")})`);
    for (const pid of standbys) {
      const variant = replicaOf(pid) === values["variant-replica"] ? VARIANT : null;
      variantOf.set(await restartAgent(pid, variant), variant ? VARIANT.text : "restarted as it was");
    }
    restarted = [...variantOf.keys()];
    await new Promise((resolve) => setTimeout(resolve, WARMUP * 1000));
    pids = agentPids(bundle);
  }
  // What the first reads make the agents load and compile is part of what is measured, not of the warm-up.
  const scraping = SCRAPE_SECONDS === null ? null : scrapeEvery(SCRAPE_SECONDS, pids.map(metricsUrl));
  const rss = new Map(pids.map((pid) => [pid, [] as number[]]));
  const own = new Map(pids.map((pid) => [pid, [] as { pss: number; private: number }[]]));
  const ticksAtStart = new Map(pids.map((pid) => [pid, cpuTicks(pid)]));
  // A loaded machine inflates every process's CPU time (and times probes out): the figures say how loaded it was.
  const loadAtStart = os.loadavg()[0]!;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    for (const pid of pids) {
      rss.get(pid)!.push(residentMiB(pid));
      own.get(pid)!.push(ownMiB(pid));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const elapsed = (performance.now() - started) / 1000;
  await scraping?.stop();
  const agents = pids.map((pid) => {
    const memory = summarize(rss.get(pid)!);
    const pss = summarize(own.get(pid)!.map((sample) => sample.pss));
    const unshared = summarize(own.get(pid)!.map((sample) => sample.private));
    const end = cpuTicks(pid);
    const start = ticksAtStart.get(pid)!;
    const percent = (ticks: number) => round((100 * ticks) / CLOCK_TICKS / elapsed, 2);
    return {
      pid,
      replica: replicaOf(pid),
      ...(VARIANT ? { variant: variantOf.get(pid) ?? "as the lab started it" } : {}),
      rssMiB: { p50: round(memory.p50), max: round(memory.max) },
      pssMiB: { p50: round(pss.p50) },
      privateMiB: { p50: round(unshared.p50) },
      cpuPercentOfOneCore: percent(end.user - start.user + end.system - start.system),
      ofWhichSystem: percent(end.system - start.system),
    };
  });
  console.log(
    JSON.stringify(
      {
        machine: machineUnderLoad(loadAtStart),
        parameters: { variant: VARIANT?.text ?? null, intervalMs: values.policy === "fast" ? FAST_FAILOVER_HEARTBEAT.intervalSeconds * 1000 : 1000, policy: values.policy, seconds: SECONDS, warmupSeconds: WARMUP, peersPerAgent: pids.length - 1, scrapeSeconds: SCRAPE_SECONDS, nodeFlags: NODE_FLAGS, labHaproxy: values.haproxy ? (findHaproxy() ? "on" : "not installed") : "off" },
        agents,
      },
      null,
      2,
    ),
  );
} finally {
  await stopAgents(restarted);
  await controlPlane.stop();
}
if (CPU_PROFILE_DIR) {
  // Named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: this run's agents only.
  for (const file of readdirSync(CPU_PROFILE_DIR).filter((name) => pids.some((pid) => name.includes(`.${pid}.`) && name.endsWith(".cpuprofile")))) {
    console.log(summarizeCpuProfile(path.join(CPU_PROFILE_DIR, file), WARMUP));
  }
}
