import type { DiscoveryObservation, DiscoveryQuestion, ProposedReplica, ProposedService } from "@/contracts/discovery";
import { fleetReplicaSchema } from "@/contracts/topology";
import { mariadbObservation, mariadbQuestion, mariadbRefusal, type MariadbRefusal } from "./mariadb-findings";
import {
  monitoringGrant,
  releaseSupported,
  mariadbRelease,
  type MariadbReachedBy,
  type MariadbRegisteredReplica,
  type MariadbServerDetails,
  type MariadbServerReading,
  type MariadbSourceReading,
  type MariadbUnreadServer,
} from "./mariadb-readings";
import type { DiscoveryOutcome, DiscoveryRequest } from "./propose-topology";
import { endpointLabel } from "./server-url";

/**
 * MariaDB discovery from one seed server, primary or replica: each server's
 * source (SHOW ALL REPLICAS STATUS) and registered replicas (SHOW REPLICA
 * HOSTS) lead to the next, until the primary and every replica it or its
 * replicas list are read or found unreadable. Pure: the server reads, this
 * decides what to read next and what the readings make.
 */

/** A bound on the walk, far above any topology Switchyard manages. */
export const MAX_SERVERS_WALKED = 32;

type Server = MariadbServerReading & { details: MariadbServerDetails };

export interface ServerToRead {
  endpoint: { host: string; port: number };
  reachedBy: Exclude<MariadbReachedBy, { kind: "url" }>;
}

const label = (server: { endpoint: { host: string; port: number } }) => endpointLabel(server.endpoint);
const readable = (reading: MariadbServerReading): reading is Server => reading.details !== null;
const rowsOf = <T>(listing: { readable: true; rows: T[] } | { readable: false }) => (listing.readable ? listing.rows : []);

/**
 * The servers the readings point at that are neither read nor tried yet:
 * each one's source, then each one's registered replicas, matched by
 * server_id (an address may name a server read at another address).
 */
export function mariadbServersToRead(readings: readonly MariadbServerReading[], unread: readonly MariadbUnreadServer[]): ServerToRead[] {
  const servers = readings.filter(readable);
  const ids = new Set(servers.map((server) => server.details.serverId));
  const tried = new Set([...readings.map(label), ...unread.map(label)]);
  const next: ServerToRead[] = [];
  const add = (candidate: ServerToRead, serverId: number) => {
    const address = label(candidate);
    if (ids.has(serverId) || tried.has(address) || !candidate.endpoint.host || candidate.endpoint.port <= 0) return;
    tried.add(address);
    next.push(candidate);
  };
  for (const server of servers) {
    for (const source of rowsOf(server.details.sources)) {
      add({ endpoint: { host: source.host, port: source.port }, reachedBy: { kind: "source-of", serverId: server.details.serverId } }, source.sourceServerId || -1);
    }
    for (const replica of rowsOf(server.details.replicas)) {
      add({ endpoint: { host: replica.host, port: replica.port }, reachedBy: { kind: "registered-at", serverId: server.details.serverId } }, replica.serverId);
    }
  }
  const room = Math.max(0, MAX_SERVERS_WALKED - readings.length - unread.length);
  return next.slice(0, room);
}

class Refused extends Error {
  constructor(readonly refusal: MariadbRefusal) {
    super(refusal.reason);
  }
}

function refuse(found: MariadbRefusal): never {
  throw new Refused(found);
}

/** Each server once (by server_id, the first reading of it), after the checks every reading must pass. */
function checkServers(readings: readonly MariadbServerReading[]): Server[] {
  const servers: Server[] = [];
  for (const reading of readings) {
    if (!mariadbRelease(reading.version)) refuse(mariadbRefusal("not-mariadb", reading.field, { server: label(reading), version: reading.version }));
    if (!releaseSupported(reading.version) || !readable(reading)) refuse(mariadbRefusal("server-too-old", reading.field, { server: label(reading), version: reading.version }));
    const { sources, replicas } = reading.details;
    const denied = !sources.readable ? "SHOW ALL REPLICAS STATUS" : !replicas.readable ? "SHOW REPLICA HOSTS" : null;
    if (denied) {
      refuse(mariadbRefusal("privileges-missing", reading.field, { server: label(reading), account: reading.account, statement: denied, grant: monitoringGrant(reading.account) }));
    }
    if (rowsOf(sources).length > 1) {
      refuse(mariadbRefusal("multi-source", reading.field, { server: label(reading), connections: rowsOf(sources).map((row) => `'${row.connectionName}'`).join(", ") }));
    }
    if (!servers.some((server) => server.details.serverId === reading.details.serverId)) servers.push(reading);
  }
  return servers;
}

const sourceRow = (server: Server): MariadbSourceReading | null => rowsOf(server.details.sources)[0] ?? null;

/** The server a replica's status names as its source: by server_id, else by the address it connects to. */
function sourceOf(server: Server, servers: readonly Server[]): Server | null {
  const row = sourceRow(server);
  if (!row) return null;
  const address = endpointLabel({ host: row.host, port: row.port });
  return servers.find((other) => (row.sourceServerId > 0 ? other.details.serverId === row.sourceServerId : label(other) === address)) ?? null;
}

/** The primary the seed leads to, following sources; refused when a source cannot be read or the sources form a ring. */
function primaryOf(seed: Server, servers: readonly Server[], unread: readonly MariadbUnreadServer[]): Server {
  const seen: Server[] = [];
  let current = seed;
  for (;;) {
    if (seen.includes(current)) refuse(mariadbRefusal("circular", seed.field, { servers: seen.map(label).join(", ") }));
    seen.push(current);
    const row = sourceRow(current);
    if (!row) return current;
    const source = sourceOf(current, servers);
    if (!source) {
      const address = endpointLabel({ host: row.host, port: row.port });
      const error = unread.find((server) => label(server) === address)?.error ?? "not reached";
      refuse(mariadbRefusal("source-unread", current.field, { server: label(current), source: address, error }));
    }
    current = source;
  }
}

interface Member {
  name: string | null;
  /** Its own reading, when discovery could read it. */
  server: Server | null;
  /** How its upstream lists it, when it does. */
  registered: MariadbRegisteredReplica | null;
  upstream: Server | null;
}

/**
 * Every member, walking down from the primary: the servers whose own status
 * names a server as source, and the replicas that server lists (SHOW
 * REPLICA HOSTS) but discovery could not read. A replica listed by one
 * server but replicating from another goes under the one it names.
 */
function walkMembers(primary: Server, servers: readonly Server[], observations: DiscoveryObservation[]): Member[] {
  const members: Member[] = [{ name: primary.details.reportHost || null, server: primary, registered: null, upstream: null }];
  const byId = new Map(servers.map((server) => [server.details.serverId, server] as const));
  const queue: Server[] = [primary];
  for (let upstream = queue.shift(); upstream; upstream = queue.shift()) {
    const listed = rowsOf(upstream.details.replicas);
    const children = servers.filter((server) => server !== primary && sourceOf(server, servers) === upstream);
    for (const child of children) {
      const registered = listed.find((row) => row.serverId === child.details.serverId) ?? null;
      const name = child.details.reportHost || registered?.host || null;
      if (!registered) observations.push(mariadbObservation("not-registered", { name: name ?? label(child), upstream: nameOf(upstream) }));
      members.push({ name, server: child, registered, upstream });
      queue.push(child);
    }
    for (const row of [...listed].sort((a, b) => a.serverId - b.serverId)) {
      const known = byId.get(row.serverId);
      if (known && children.includes(known)) continue;
      if (known) {
        const source = sourceOf(known, servers);
        observations.push(mariadbObservation("registered-elsewhere", { name: row.host, lister: nameOf(upstream), source: source ? nameOf(source) : "another server" }));
        continue;
      }
      members.push({ name: row.host || null, server: null, registered: row, upstream });
    }
  }
  return members;
}

function nameOf(server: Server): string {
  return server.details.reportHost || label(server);
}

function checkNames(members: readonly Member[]): void {
  for (const member of members) {
    if (!member.name) continue;
    const namesakes = members.filter((other) => other.name === member.name);
    if (namesakes.length > 1) {
      const field = namesakes.find((other) => other.server)?.server?.field ?? "primaryUrl";
      const where = namesakes.map((other) => (other.server ? label(other.server) : `server_id ${other.registered?.serverId}`)).join(", ");
      refuse(mariadbRefusal("duplicate-report-host", field, { name: member.name, servers: where }));
    }
  }
}

/** Every reading must be part of the primary's topology: a URL given for a server elsewhere is refused, not guessed at. */
function checkAllReached(readings: readonly Server[], members: readonly Member[], seed: Server, primary: Server): void {
  for (const server of readings) {
    if (!members.some((member) => member.server === server)) {
      refuse(mariadbRefusal("not-in-topology", server.field, { server: label(server), seed: label(seed), primary: label(primary) }));
    }
  }
}

const NAME_SCHEMA = fleetReplicaSchema.shape.name;

function nameProblem(name: string): string | null {
  const checked = NAME_SCHEMA.safeParse(name);
  return checked.success ? null : (checked.error.issues[0]?.message ?? "invalid");
}

function threadsObservation(name: string, row: MariadbSourceReading): DiscoveryObservation | null {
  if (row.ioRunning === "Yes" && row.sqlRunning === "Yes") return null;
  const errors = [row.ioError ? `IO error ${row.ioError.errno}: ${row.ioError.message}` : null, row.sqlError ? `SQL error ${row.sqlError.errno}: ${row.sqlError.message}` : null]
    .filter(Boolean)
    .join("; ");
  return mariadbObservation("replica-threads", { name, io: row.ioRunning || "No", sql: row.sqlRunning || "No", errors });
}

function settingsProblems(details: MariadbServerDetails): string[] {
  return [
    details.gtidStrictMode ? null : "gtid_strict_mode OFF",
    details.logBin ? null : "log_bin OFF",
    details.logSlaveUpdates ? null : "log_slave_updates OFF",
    details.binlogFormat.toUpperCase() === "ROW" ? null : `binlog_format ${details.binlogFormat}`,
  ].filter((problem): problem is string => problem !== null);
}

function gtidPositions(members: readonly Member[], primary: Server): string {
  return members
    .filter((member) => member.server)
    .map((member) => {
      const { details } = member.server!;
      const who = member.name ?? label(member.server!);
      if (member.server === primary) return `${who} (primary) wrote up to ${details.gtidBinlogPos || "nothing yet"}`;
      const received = sourceRow(member.server!)?.gtidIoPos;
      return `${who} applied ${details.gtidSlavePos || "nothing yet"}${received && received !== details.gtidSlavePos ? `, received ${received}` : ""}`;
    })
    .join("; ");
}

/** Reads what MariaDB knows into a proposal, the questions it cannot answer, and what it saw; or a refusal naming the field to fix. */
export function proposeMariadbTopology(request: DiscoveryRequest, readings: readonly MariadbServerReading[], unread: readonly MariadbUnreadServer[]): DiscoveryOutcome {
  try {
    return propose(request, readings, unread);
  } catch (error) {
    if (error instanceof Refused) return { kind: "refused", refusal: error.refusal };
    throw error;
  }
}

function propose(request: DiscoveryRequest, readings: readonly MariadbServerReading[], unread: readonly MariadbUnreadServer[]): DiscoveryOutcome {
  const servers = checkServers(readings);
  const seed = servers[0]!;
  const primary = primaryOf(seed, servers, unread);
  const observations: DiscoveryObservation[] = [];
  const members = walkMembers(primary, servers, observations);
  checkAllReached(servers, members, seed, primary);
  checkNames(members);

  const questions: DiscoveryQuestion[] = [];
  if (request.serviceId === undefined) questions.push(mariadbQuestion("service-id", {}));
  if (request.name === undefined) questions.push(mariadbQuestion("service-name", {}));
  const database = seed.endpoint.database;
  const semiSync = primary.details.semiSync;
  const direct = members.filter((member) => member.upstream === primary);
  const semiSyncDirect = direct.filter((member) => member.server?.details.semiSync?.replicaEnabled);
  const unreadDirect = direct.filter((member) => !member.server);
  // The primary counts its acknowledging clients without naming them: what the replicas read do not account for is the unread ones'.
  const unaccounted = (semiSync?.clients ?? 0) - semiSyncDirect.filter((member) => member.server?.details.semiSync?.replicaActive).length;

  const replicas: ProposedReplica[] = [];
  const syncNames: string[] = [];
  const semiSyncIgnored: string[] = [];
  members.forEach((member, index) => {
    const isPrimary = member.server === primary;
    const shown = member.name ?? (member.server ? `the ${isPrimary ? "primary" : "replica"} at ${label(member.server)}` : `server_id ${member.registered?.serverId}`);
    let replica: ProposedReplica = {};
    if (member.name) {
      replica.name = member.name;
      const problem = nameProblem(member.name);
      if (problem) questions.push(mariadbQuestion("replica-name-invalid", { index, name: member.name, problem }));
    } else if (isPrimary) {
      questions.push(mariadbQuestion("primary-name", { server: label(primary) }), mariadbQuestion("primary-field", {}));
    } else {
      questions.push(mariadbQuestion("replica-name", { index, server: member.server ? label(member.server) : shown }));
    }

    if (member.server) {
      replica = { ...replica, host: member.server.endpoint.host, port: member.server.endpoint.port };
    } else {
      const row = member.registered!;
      const tried = endpointLabel({ host: row.host, port: row.port });
      const error = unread.find((server) => label(server) === tried)?.error ?? "not reached";
      questions.push(mariadbQuestion("standby-host", { index, name: shown, tried, error }), mariadbQuestion("standby-port", { index, name: shown, reported: row.port }));
      observations.push(mariadbObservation("unreached", { name: shown, address: tried, error }));
    }
    if (database) replica.database = database;
    else questions.push(mariadbQuestion("database", { index, name: shown }));

    if (isPrimary) {
      questions.push(mariadbQuestion("replica-region", { index, name: shown }), mariadbQuestion("primary-replication", { index, name: shown }));
      replicas.push(replica);
      if (primary.details.readOnly) observations.push(mariadbObservation("primary-read-only", { name: shown }));
      return;
    }

    const upstream = member.upstream!;
    const enabled = semiSync?.primaryEnabled ?? false;
    let replication: "sync" | "async" | null;
    if (upstream !== primary) replication = "async";
    else if (member.server) {
      const acknowledges = member.server.details.semiSync?.replicaEnabled ?? false;
      if (acknowledges && !enabled) semiSyncIgnored.push(shown);
      replication = acknowledges && enabled ? "sync" : "async";
    } else if (!enabled) replication = "async";
    else if (unaccounted >= unreadDirect.length) replication = "sync";
    else if (unaccounted <= 0) replication = "async";
    else replication = null;
    if (replication) replica.replication = replication;
    else questions.push(mariadbQuestion("replica-replication", { index, name: shown, clients: semiSync?.clients ?? 0, replicas: direct.length }));
    if (replication === "sync") syncNames.push(shown);
    replicas.push(replica);
    questions.push(mariadbQuestion("replica-region", { index, name: shown }));

    if (upstream !== primary) observations.push(mariadbObservation("cascading", { name: shown, upstream: nameOf(upstream) }));
    const server = member.server;
    if (!server) return;
    const row = sourceRow(server)!;
    const threads = threadsObservation(shown, row);
    if (threads) observations.push(threads);
    if (row.usingGtid.toLowerCase() === "no") observations.push(mariadbObservation("file-positions", { name: shown }));
    if (!server.details.readOnly) observations.push(mariadbObservation("replica-writable", { name: shown }));
    if (server.details.semiSync?.replicaEnabled && !server.details.semiSync.replicaActive && replication === "sync") {
      observations.push(mariadbObservation("semi-sync-not-acknowledging", { name: shown }));
    }
    const address = endpointLabel({ host: row.host, port: row.port });
    if (address !== label(upstream)) observations.push(mariadbObservation("source-address", { name: shown, address, upstream: label(upstream) }));
  });

  if (syncNames.length > 0) observations.push(mariadbObservation("semi-sync", { names: syncNames.join(", ") }));
  if (semiSync?.primaryEnabled && !semiSync.primaryActive) observations.push(mariadbObservation("semi-sync-fallen-back", { server: nameOf(primary) }));
  if (semiSyncIgnored.length > 0) observations.push(mariadbObservation("semi-sync-off", { names: semiSyncIgnored.join(", "), server: nameOf(primary) }));
  for (const member of members) {
    const server = member.server;
    if (!server) continue;
    const who = member.name ?? label(server);
    if (!server.details.semiSync) observations.push(mariadbObservation("semi-sync-unavailable", { server: who }));
    const problems = settingsProblems(server.details);
    if (problems.length > 0) observations.push(mariadbObservation("settings-for-failover", { name: who, settings: problems.join(", ") }));
  }
  observations.push(mariadbObservation("gtid-positions", { positions: gtidPositions(members, primary) }));

  questions.push(mariadbQuestion("regions", {}), mariadbQuestion("datasets", {}));
  if (direct.length === 0) questions.push(mariadbQuestion("no-standbys", { server: nameOf(primary) }));

  const primaryName = members[0]!.name;
  const service: ProposedService = {
    ...(request.serviceId !== undefined ? { id: request.serviceId } : {}),
    ...(request.name !== undefined ? { name: request.name } : {}),
    engine: "mariadb",
    ...(primaryName ? { primary: primaryName } : {}),
    replicas,
  };
  return { kind: "proposed", proposal: { version: 1, services: [service] }, questions, observations };
}
