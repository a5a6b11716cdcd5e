import { chmod, mkdir } from "node:fs/promises";
import { isStandbyFolder, newestTimeline } from "@/embedded/data-folder";
import { initCluster, isInitialised, resumeCluster, runningPid, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { freePort } from "@/server/store/free-port";
import type { Address } from "./address";
import { labDir, pgdataDir, replicaDir, serverLogFile } from "./paths";
import { preparePrimary } from "./primary";
import { serverSettings } from "./settings";
import { cloneStandby, configureStoppedStandby, repointRunningStandby, type Upstream } from "./standby";
import { newLabState, portOf, readLabState, writeLabState, type LabState } from "./state";
import { LAB_HOST, LAB_REPLICAS, findReplica, type LabReplica } from "./topology";

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
function resolvePrimary(dataDir: string, recorded: string): string {
  const initialised = LAB_REPLICAS.filter((replica) => isInitialised(pgdataDir(dataDir, replica.name)));
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

/** Keeps each stopped replica's port when it is still free; never gives two replicas the same one. */
async function assignPorts(dataDir: string, state: LabState): Promise<LabState> {
  const taken = new Set<number>();
  const replicas: LabState["replicas"] = {};
  for (const replica of LAB_REPLICAS) {
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

async function bringUpPrimary(dataDir: string, state: LabState, log: Log): Promise<void> {
  const pgdata = pgdataDir(dataDir, state.primary);
  const port = portOf(state, state.primary);
  await makeFolder(replicaDir(dataDir, state.primary));
  if (!isInitialised(pgdata)) {
    log(`${state.primary}: initdb`);
    await initCluster(pgdata, state.password);
  }
  if (!(await runningPid(pgdata))) {
    log(`${state.primary}: starting the primary on port ${port}`);
    await startCluster({ dataDir: pgdata, port, settings: serverSettings("primary", state.primary) }, serverLogFile(dataDir, state.primary));
  }
  await preparePrimary(port, state.password, state.primary, log);
}

async function bringUpStandby(dataDir: string, state: LabState, standby: LabReplica, route: Route, log: Log): Promise<void> {
  const pgdata = pgdataDir(dataDir, standby.name);
  const port = portOf(state, standby.name);
  const primaryPort = portOf(state, state.primary);
  const upstream: Upstream = { name: state.primary, port: primaryPort, password: state.password, route: route(standby, findReplica(state.primary), primaryPort) };
  await makeFolder(replicaDir(dataDir, standby.name));
  if (!isInitialised(pgdata) || !isStandbyFolder(pgdata)) {
    if (isInitialised(pgdata)) {
      // A former primary (or an interrupted clone) has history the primary lacks; without pg_rewind it rejoins as a fresh copy.
      log(`${standby.name}: not a standby of ${state.primary} (former primary or interrupted clone), discarding its data to re-clone it`);
      await stopCluster(pgdata, "fast");
    }
    const started = Date.now();
    await cloneStandby(pgdataDir(dataDir, state.primary), upstream, standby, pgdata);
    log(`${standby.name}: cloned from ${state.primary} in ${Date.now() - started} ms`);
  }
  if (await runningPid(pgdata)) {
    if (await repointRunningStandby(port, upstream, standby)) log(`${standby.name}: re-pointed at ${state.primary}`);
    return;
  }
  await configureStoppedStandby(pgdata, upstream, standby);
  log(`${standby.name}: starting the ${standby.replication} standby on port ${port}`);
  await startCluster({ dataDir: pgdata, port, settings: serverSettings("standby", state.primary) }, serverLogFile(dataDir, standby.name));
}

/**
 * Idempotent: creates what is missing (primary, then standbys cloned from
 * it), starts what is stopped or thaws what is paused, and continues on
 * existing data.
 */
export async function labUp(dataDir: string, log: Log, options: LabUpOptions = {}): Promise<LabState> {
  await makeFolder(dataDir);
  await makeFolder(labDir(dataDir));
  const recorded = (await readLabState(dataDir)) ?? newLabState();
  const primary = findReplica(resolvePrimary(dataDir, recorded.primary)).name;
  if (primary !== recorded.primary) log(`${primary} is the primary (the record said ${recorded.primary})`);
  const state = await assignPorts(dataDir, { ...recorded, primary });
  // Saved before anything is created, so a crash midway still knows the password it used.
  await writeLabState(dataDir, state);
  options.onPorts?.(Object.fromEntries(LAB_REPLICAS.map((replica) => [replica.name, portOf(state, replica.name)])));
  // A cluster left frozen by an interrupted `pause` counts as running but would answer nothing.
  await Promise.all(LAB_REPLICAS.map((replica) => resumeCluster(pgdataDir(dataDir, replica.name))));
  await bringUpPrimary(dataDir, state, log);
  const standbys = LAB_REPLICAS.filter((replica) => replica.name !== state.primary);
  await Promise.all(standbys.map((standby) => bringUpStandby(dataDir, state, standby, options.route ?? directRoute, log)));
  return state;
}

/**
 * Fast shutdown, primary first: its walsenders hand the standbys everything
 * up to the shutdown checkpoint before it exits. Paused clusters are resumed
 * so they can hear the request.
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
  await stop(state.primary);
  await Promise.all(LAB_REPLICAS.filter((replica) => replica.name !== state.primary).map((replica) => stop(replica.name)));
}
