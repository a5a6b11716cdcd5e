/**
 * The lab as `npm start` runs it: the regional PostgreSQL clusters of every
 * demo service (orders-db and payments-db; LAB_SERVICES=orders-db runs only
 * the ones named, and only those are declared to the control plane), the
 * network between the regions (a proxy per link, lab/network/) and the
 * controller that injects faults into it, the topology declared through the
 * API and an agent process next to each replica (enrolled with a token and
 * run from its state folder), as a user onboards their own cluster, and the
 * workload, all wired to this control plane. Everything lives under
 * `<data folder>/lab`.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { buildAgentBundle } from "@/agents/build";
import { postgresBinaries } from "@/embedded/postgres-binaries";
import { ControlPlaneFaults } from "@/lab/control-plane-faults";
import { findHaproxy, HAPROXY_INSTALL_HINT, startLabHaproxy, type LabHaproxy } from "@/lab/haproxy";
import { startLab, type Lab } from "@/lab/lab";
import { startLabController, type LabController } from "@/lab/network/controller";
import { LabNetwork } from "@/lab/network/lab-network";
import { CONTROL_PLANE } from "@/lab/network/links";
import { readLabState } from "@/lab/state";
import { LAB_HOST, LAB_REPLICAS, LAB_SERVICE_ID, labServices } from "@/lab/topology";
import { startWorkload } from "@/lab/workload";
import type { Db } from "@/server/db/client";
import { onboardLab } from "@/lab/onboard";
import { LAB_ONBOARDING, LAB_WORKLOAD, labAccountToken } from "@/server/lab/lab-credentials";
import { ensureLabServicePolicy } from "@/server/lab/lab-policy";
import { syncLabEndpoints } from "@/server/lab/sync-lab-endpoints";
import { freePort } from "@/server/store/free-port";
import { enrollOrConfigure, labAgentArgs } from "./lab-agent-args";
import { LabAgents, type LabAgentSpec } from "./lab-agents";
import { SESSIONS_DB } from "@/lab/mariadb/sessions-topology";
import { prepareSessionsStack, type SessionsStack } from "./sessions-stack";

type Log = (line: string) => void;

export interface LabStack {
  /** Its `stop()` also closes the network, once the clusters are down. */
  lab: Lab;
  /** Starts the agents and the workload once the control plane answers. */
  run(controlPlaneUrl: string): Promise<void>;
  /** Stops the workload, HAProxy and the agents, and continues a control plane left stopped (the clusters stop with `lab.stop()`). */
  stopProcesses(): Promise<void>;
  /** Lines for the start banner (where HAProxy takes clients), once `run` is done. */
  banner(): string[];
}

const AGENT_STOP_MS = 5_000;

const namedServices = (env: NodeJS.ProcessEnv) => (env.LAB_SERVICES ?? "").split(",").map((id) => id.trim()).filter(Boolean);

/**
 * LAB_SERVICES: comma-separated service ids to run; unset or empty, every
 * demo service. An unknown id stops the start, naming it. sessions-db (the
 * MariaDB service) is not a PostgreSQL one: see sessionsDbFromEnv.
 */
export function labServicesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const ids = namedServices(env).filter((id) => id !== SESSIONS_DB.id);
  return ids.length ? labServices(ids).map((service) => service.id) : undefined;
}

/** Whether to run sessions-db: when LAB_SERVICES is unset or names it. */
export function sessionsDbFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const ids = namedServices(env);
  return ids.length === 0 || ids.includes(SESSIONS_DB.id);
}

const execFileAsync = promisify(execFile);

/** Runs the packed agent once (enroll, configure) and says what it printed; a failure says why. */
async function agentOnce(bundle: string, args: readonly string[]): Promise<string> {
  try {
    return (await execFileAsync(process.execPath, [bundle, ...args], { timeout: 60_000 })).stdout.trim();
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`switchyard-agent ${args[0]} failed: ${(failure.stderr || failure.message).trim()}`);
  }
}

/**
 * The network first: its proxies' ports go into the standbys'
 * primary_conninfo when the clusters come up. The proxies keep clear of the
 * clusters' recorded and preferred ports (they may not be running yet; a lab
 * from before the preferred ports moved below the kernel's range records
 * ports inside it) and of the control plane's, which scripts/start.ts reads
 * from PORT once the lab is up.
 */
async function startNetwork(dataDir: string, log: Log): Promise<LabNetwork> {
  const recorded = await readLabState(dataDir);
  const clusterPorts = [...Object.values(recorded?.replicas ?? {}).map((replica) => replica.port), ...LAB_REPLICAS.map((replica) => replica.preferredPort)];
  return LabNetwork.start({ dataDir, reserved: [...clusterPorts, Number(process.env.PORT ?? 3000)], log: (line) => log(`lab network: ${line}`) });
}

/**
 * HAProxy in front of the lab's service when Debian's package is installed;
 * otherwise one line saying how to get it. A failure to start it is said
 * and the lab goes on: nothing in `npm start` depends on it.
 */
async function startHaproxy(dataDir: string, lab: Lab, healthPorts: ReadonlyMap<string, number>, log: Log): Promise<LabHaproxy | null> {
  const fronted = lab.services.find((service) => service.id === LAB_SERVICE_ID);
  if (!fronted) return null;
  if (process.env.LAB_HAPROXY === "off") {
    log("haproxy: off (LAB_HAPROXY=off)");
    return null;
  }
  const binary = findHaproxy();
  if (!binary) {
    log(`haproxy: not installed; \`${HAPROXY_INSTALL_HINT}\` puts it in front of the lab (a write port and a read port)`);
    return null;
  }
  const replicas = fronted.replicas.map((replica) => {
    const port = healthPorts.get(replica.name);
    return { name: replica.name, role: replica.role, host: replica.host, port: replica.port, health: port ? { host: LAB_HOST, port, tls: false } : null };
  });
  try {
    const started = await startLabHaproxy({ dataDir, binary, replicas, freePort, log: (line) => log(`haproxy: ${line}`) });
    log(`haproxy: writes on ${LAB_HOST}:${started.ports.write} (checks /primary), reads on ${LAB_HOST}:${started.ports.read} (checks /replica); config ${started.configFile}`);
    return started;
  } catch (error) {
    log(`haproxy: not started (${(error as Error).message}); the lab goes on without it`);
    return null;
  }
}

/** Brings the lab's clusters and network up and records them in the store; agents and workload wait for `run`. */
export async function prepareLabStack(dataDir: string, client: Db, log: Log): Promise<LabStack> {
  const labDir = path.join(dataDir, "lab");
  const network = await startNetwork(dataDir, log);
  const agents = new LabAgents({ log, stopGraceMs: AGENT_STOP_MS });
  const controlPlane = new ControlPlaneFaults(dataDir);
  let lab: Lab;
  let controller: LabController | undefined;
  try {
    controller = await startLabController({ dataDir, port: network.recordedControllerPort, avoid: network.claimedPorts, network, agents, controlPlane, log: (line) => log(`lab network: ${line}`) });
    await network.save(controller.port);
    lab = await startLab({
      dataDir,
      log: (line) => log(`lab: ${line}`),
      services: labServicesFromEnv(),
      route: (standby, primary) => network.addressOf(standby.regionId, primary.name),
      // Before the standbys start: a link whose destination is unknown holds their connections, and a
      // standby that cannot reach its primary never becomes consistent enough for pg_ctl to call it started.
      onPorts: (ports) => {
        for (const [name, port] of Object.entries(ports)) network.setDestination(name, { host: LAB_HOST, port });
      },
    });
  } catch (error) {
    await controller?.close();
    await network.close();
    throw error;
  }
  const { close: closeController } = controller;
  const moved = await syncLabEndpoints(client, lab.replicas);
  if (moved.length) log(`lab: topology now points at ${moved.join(", ")}`);
  // sessions-db (MariaDB) runs beside the PostgreSQL services when it can; nothing else waits on it.
  const sessions: SessionsStack | null = !sessionsDbFromEnv()
    ? null
    : await prepareSessionsStack(dataDir, client, log).catch((error: unknown) => {
    log(`sessions-db: not started (${(error as Error).message}); the lab goes on without it`);
    return null;
  });

  const workloadToken = await labAccountToken(client, LAB_WORKLOAD, path.join(labDir, "workload", "token"));
  const onboardingToken = await labAccountToken(client, LAB_ONBOARDING, path.join(labDir, "onboarding", "token"));

  let workload: { stop(): Promise<void> } | null = null;
  let haproxy: LabHaproxy | null = null;
  // A stop that comes while run() is still enrolling agents must not let it start processes afterwards:
  // they would outlive the supervisor (Playwright stops `npm start` as soon as a short test run ends).
  let stopRequested = false;
  let running: Promise<void> | null = null;

  async function start(controlPlaneUrl: string): Promise<void> {
    const url = new URL(controlPlaneUrl);
    network.setDestination(CONTROL_PLANE, { host: url.hostname, port: Number(url.port) });
    const onboarding = await onboardLab({ baseUrl: controlPlaneUrl, token: onboardingToken }, lab.replicas);
    log(`lab: topology ${onboarding.said}`);
    for (const service of lab.services) {
      const policy = await ensureLabServicePolicy(client, service.id);
      if (policy) log(`lab: ${policy}`);
    }
    const bundle = path.join(dataDir, "agents", "switchyard-agent.cjs");
    await buildAgentBundle(bundle);
    const binDir = path.dirname((await postgresBinaries()).pg_ctl);
    const specs: LabAgentSpec[] = [];
    const healthPorts = new Map<string, number>();
    for (const replica of lab.replicas) {
      const folder = path.join(labDir, "agents", replica.name);
      const stateDir = path.join(folder, "state");
      const metricsPort = await freePort();
      const healthPort = await freePort();
      healthPorts.set(replica.name, healthPort);
      const hostArgs = ["--state-dir", stateDir, ...labAgentArgs({ dataDir, lab, network, replica, binDir, metricsPort, healthPort, restartInPlace: process.env.LAB_RESTART_IN_PLACE === "on" })];
      const said = await enrollOrConfigure({ client, stateDir, hostArgs, token: () => onboarding.enrollmentToken(replica.name), agent: (args) => agentOnce(bundle, args) });
      specs.push({ replica: replica.name, regionId: replica.regionId, args: ["run", "--state-dir", stateDir], logFile: path.join(folder, "agent.log") });
      log(`agent ${replica.name}: ${said.split("\n")[0]}; metrics at http://127.0.0.1:${metricsPort}/metrics, health at http://127.0.0.1:${healthPort}/primary`);
    }
    if (sessions) {
      const rate = Number(process.env.LAB_WRITE_RATE ?? 50);
      const sessionSpecs = await sessions.run({ controlPlaneUrl, onboardingToken, workloadToken, rate, agent: (args) => agentOnce(bundle, args) }).catch((error: unknown) => {
        log(`sessions-db: its agents and workload did not start (${(error as Error).message}); the lab goes on without them`);
        return [];
      });
      specs.push(...sessionSpecs);
    }
    if (stopRequested) return;
    agents.startAll(bundle, specs);
    haproxy = await startHaproxy(dataDir, lab, healthPorts, log);
    if (stopRequested) return;
    // The workload is a client outside the regions: it reaches the control plane and the primary directly
    // (or only HAProxy's write port, with LAB_WORKLOAD_THROUGH=haproxy).
    const rate = Number(process.env.LAB_WRITE_RATE ?? 50);
    const through = process.env.LAB_WORKLOAD_THROUGH === "haproxy" && haproxy ? "haproxy" : undefined;
    if (process.env.LAB_WORKLOAD_THROUGH === "haproxy" && !haproxy) log("workload: LAB_WORKLOAD_THROUGH=haproxy, but HAProxy is not running: following the write route instead");
    const services = lab.services.map((service) => service.id);
    workload = await startWorkload({ dataDir, rate, services, through, controlPlane: { url: controlPlaneUrl, token: workloadToken } });
    log(`workload: ~${rate} writes/s to each of ${services.join(", ")} ${through ? "(orders-db through HAProxy's write port)" : "on its write route"}; ledgers in ${path.join(labDir, "ledger")}`);
  }

  return {
    lab: {
      ...lab,
      // The network outlives the clusters: a primary's fast shutdown still streams its last WAL to the standbys through it.
      stop: async () => {
        await sessions?.db.stop();
        await lab.stop();
        await closeController();
        await network.close();
      },
    },
    run(controlPlaneUrl) {
      running = start(controlPlaneUrl);
      return running;
    },
    async stopProcesses() {
      stopRequested = true;
      await running?.catch(() => undefined);
      controlPlane.resume();
      await Promise.all([workload?.stop(), sessions?.stopWorkload(), agents.stopAll()]);
      await haproxy?.stop();
    },
    banner() {
      const lines = sessions
        ? [`sessions-db (MariaDB): ${Object.entries(sessions.db.ports).map(([name, port]) => `${name} on 127.0.0.1:${port}`).join(", ")}`]
        : [];
      if (!haproxy) return lines;
      return [`HAProxy for orders-db: writes on 127.0.0.1:${haproxy.ports.write}, reads on 127.0.0.1:${haproxy.ports.read} (${haproxy.configFile})`, ...lines];
    },
  };
}
