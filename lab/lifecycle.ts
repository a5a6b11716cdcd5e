import { chmod, mkdir } from "node:fs/promises";
import { isStandbyFolder, newestTimeline } from "@/embedded/data-folder";
import { initCluster, isInitialised, resumeCluster, runningPid, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { freePort } from "@/server/store/free-port";
import type { Address } from "./address";
import { labDir, pgdataDir, replicaDir, serverLogFile } from "./paths";
import { preparePrimary } from "./primary";
import { serverSettings } from "./settings";
import { cloneStandby, configureStoppedStandby, repointRunningStandby, type Upstream } from "./standby";
import { newLabState, portOf, primaryOf, readLabState, writeLabState, type LabState } from "./state";
import { LAB_HOST, LAB_REPLICAS, findReplica, labServices, type LabReplica, type LabService } from "./topology";

export type Log = (line: string) => void;

/**
 * Where a replica's region reaches another replica's PostgreSQL, given the
 * port it listens on: directly by default; through the link's proxy when
 * npm start runs the lab's network (lab/network/).
 */
export type Route = (from: LabReplica, to: LabReplica, port: number) => Address;

export const directRoute: Route = (_from, _to, port) => ({ host: LAB_HOST, port });

export interface LabUpOptions {
  /** How standbys reach the primary (their primary_conninfo); default directRoute. */
  route?: Route;
  /** Told each replica's port (by name) once they are chosen, before any cluster starts. */
  onPorts?: (ports: Record<string, number>) => void;
  /** The services to bring up (ids); default every one. The others' clusters are left as they are. */
  services?: readonly string[];
}

async function makeFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o755 });
  // The postgres OS user must traverse it to reach its data folder and log.
  await chmod(folder, 0o755);
}

/**
 * Which replica is the primary. Among the folders that are not standbys, the
 * newest timeline wins: a promotion that nobody recorded still beats the old
 * primary it replaced, whose writes after the split are the ones to drop.
 * Between equals (an interrupted clone looks like a primary) the record
 * decides; anything more ambiguous needs a human.
 */
function resolvePrimary(dataDir: string, service: LabService, recorded: string): string {
  const initialised = service.replicas.filter((replica) => isInitialised(pgdataDir(dataDir, replica.name)));
  if (!initialised.length) return recorded;
  const folders = initialised.map((replica) => {
    const pgdata = pgdataDir(dataDir, replica.name);
    return { name: replica.name, standby: isStandbyFolder(pgdata), timeline: newestTimeline(pgdata) };
  });
  const candidates = folders.filter((replica) => !replica.standby);
  const newest = Math.max(...candidates.map((replica) => replica.timeline));
  const leaders = candidates.filter((replica) => replica.timeline === newest);
  if (leaders.some((replica) => replica.name === recorded)) return recorded;
  const [only, ...others] = leaders;
  if (only && !others.length) return only.name;
  const names = candidates.map((replica) => `${replica.name} (timeline ${replica.timeline})`).join(", ") || "none";
  throw new Error(
    `the lab state names ${recorded} as primary, but the clusters that are not standbys are: ${names}. ` +
      `Record the real primary in ${labDir(dataDir)}/state.json, or remove ${labDir(dataDir)} to start afresh.`,
  );
}

/**
 * Keeps each stopped replica's port when it is still free; never gives two
 * replicas the same one. Replicas of services not being brought up keep
 * their record (and claim their port) untouched.
 */
async function assignPorts(dataDir: string, state: LabState, services: readonly LabService[]): Promise<LabState> {
  const taken = new Set<number>();
  const replicas: LabState["replicas"] = {};
  const starting = new Set(services.flatMap((service) => service.replicas.map((replica) => replica.name)));
  for (const replica of LAB_REPLICAS) {
    const kept = state.replicas[replica.name];
    if (!starting.has(replica.name) && kept) {
      taken.add(kept.port);
      replicas[replica.name] = kept;
    }
  }
  for (const replica of LAB_REPLICAS.filter((candidate) => starting.has(candidate.name))) {
    const recorded = state.replicas[replica.name]?.port ?? replica.preferredPort;
    let port = recorded;
    if (!(await runningPid(pgdataDir(dataDir, replica.name)))) {
      port = await freePort(taken.has(recorded) ? undefined : recorded);
      while (taken.has(port)) port = await freePort();
    }
    taken.add(port);
    replicas[replica.name] = { port };
  }
  return { ...state, replicas };
}

async function bringUpPrimary(dataDir: string, state: LabState, primary: string, log: Log): Promise<void> {
  const pgdata = pgdataDir(dataDir, primary);
  const port = portOf(state, primary);
  await makeFolder(replicaDir(dataDir, primary));
  if (!isInitialised(pgdata)) {
    log(`${primary}: initdb`);
    await initCluster(pgdata, state.password);
  }
  if (!(await runningPid(pgdata))) {
    log(`${primary}: starting the primary on port ${port}`);
    await startCluster({ dataDir: pgdata, port, settings: serverSettings("primary", primary) }, serverLogFile(dataDir, primary));
  }
  await preparePrimary(port, state.password, primary, log);
}

async function bringUpStandby(dataDir: string, state: LabState, primary: string, standby: LabReplica, route: Route, log: Log): Promise<void> {
  const pgdata = pgdataDir(dataDir, standby.name);
  const port = portOf(state, standby.name);
  const primaryPort = portOf(state, primary);
  const upstream: Upstream = { name: primary, port: primaryPort, password: state.password, route: route(standby, findReplica(primary), primaryPort) };
  await makeFolder(replicaDir(dataDir, standby.name));
  if (!isInitialised(pgdata) || !isStandbyFolder(pgdata)) {
    if (isInitialised(pgdata)) {
      // A former primary (or an interrupted clone) has history the primary lacks; without pg_rewind it rejoins as a fresh copy.
      log(`${standby.name}: not a standby of ${primary} (former primary or interrupted clone), discarding its data to re-clone it`);
      await stopCluster(pgdata, "fast");
    }
    const started = Date.now();
    await cloneStandby(pgdataDir(dataDir, primary), upstream, standby, pgdata);
    log(`${standby.name}: cloned from ${primary} in ${Date.now() - started} ms`);
  }
  if (await runningPid(pgdata)) {
    if (await repointRunningStandby(port, upstream, standby)) log(`${standby.name}: re-pointed at ${primary}`);
    return;
  }
  await configureStoppedStandby(pgdata, upstream, standby);
  log(`${standby.name}: starting the ${standby.replication} standby on port ${port}`);
  await startCluster({ dataDir: pgdata, port, settings: serverSettings("standby", primary) }, serverLogFile(dataDir, standby.name));
}

async function bringUpService(dataDir: string, state: LabState, service: LabService, route: Route, log: Log): Promise<void> {
  const primary = primaryOf(state, service.id);
  // A cluster left frozen by an interrupted `pause` counts as running but would answer nothing.
  await Promise.all(service.replicas.map((replica) => resumeCluster(pgdataDir(dataDir, replica.name))));
  await bringUpPrimary(dataDir, state, primary, log);
  const standbys = service.replicas.filter((replica) => replica.name !== primary);
  await Promise.all(standbys.map((standby) => bringUpStandby(dataDir, state, primary, standby, route, log)));
}

/**
 * Idempotent: creates what is missing (each service's primary, then its
 * standbys cloned from it), starts what is stopped or thaws what is paused,
 * and continues on existing data. Services come up one after the other: on
 * two cores, cloning two at once is no faster.
 */
export async function labUp(dataDir: string, log: Log, options: LabUpOptions = {}): Promise<LabState> {
  await makeFolder(dataDir);
  await makeFolder(labDir(dataDir));
  const services = labServices(options.services);
  const recorded = (await readLabState(dataDir)) ?? newLabState();
  const primaries = { ...recorded.services };
  for (const service of services) {
    const record = primaryOf(recorded, service.id);
    const primary = findReplica(resolvePrimary(dataDir, service, record)).name;
    if (primary !== record) log(`${primary} is the primary of ${service.id} (the record said ${record})`);
    primaries[service.id] = { primary };
  }
  const state = await assignPorts(dataDir, { ...recorded, services: primaries }, services);
  // Saved before anything is created, so a crash midway still knows the password it used.
  await writeLabState(dataDir, state);
  const starting = services.flatMap((service) => service.replicas);
  options.onPorts?.(Object.fromEntries(starting.map((replica) => [replica.name, portOf(state, replica.name)])));
  for (const service of services) await bringUpService(dataDir, state, service, options.route ?? directRoute, log);
  return state;
}

/**
 * Every service's clusters, fast shutdown, primary first: its walsenders
 * hand the standbys everything up to the shutdown checkpoint before it
 * exits. Paused clusters are resumed so they can hear the request.
 */
export async function labDown(dataDir: string, log: Log): Promise<void> {
  const state = await readLabState(dataDir);
  if (!state) return;
  const stop = async (name: string) => {
    const pgdata = pgdataDir(dataDir, name);
    if (!(await runningPid(pgdata))) return;
    await resumeCluster(pgdata);
    await stopCluster(pgdata, "fast");
    log(`${name}: stopped`);
  };
  await Promise.all(
    labServices().map(async (service) => {
      const primary = primaryOf(state, service.id);
      await stop(primary);
      await Promise.all(service.replicas.filter((replica) => replica.name !== primary).map((replica) => stop(replica.name)));
    }),
  );
}
