import type { DiscoveryProposal, ProposedReplica, ProposedService } from "@/contracts/discovery";
import { fleetReplicaSchema } from "@/contracts/topology";
import { parseConninfo } from "./conninfo";
import { observation, question, refusal, type Observation, type PrimaryNameGap, type Question, type Refusal } from "./findings";
import type { MariadbRefusal } from "./mariadb-findings";
import { MIN_SERVER_VERSION_NUM, type ServerDetails, type ServerReading, type WalSenderReading } from "./readings";
import { endpointLabel } from "./server-url";
import { foldStandbyName, parseSynchronousStandbyNames, standbyPriority, unmatchedNames, type SynchronousStandbyConfig } from "./synchronous-standby-names";

/**
 * The proposal has the fleet document's shape, with every value PostgreSQL
 * cannot tell left out rather than guessed: such a proposal fails the fleet
 * document's validation until each question is answered at its path.
 */
export interface DiscoveryRequest {
  serviceId?: string;
  name?: string;
}

export type DiscoveryOutcome =
  | { kind: "refused"; refusal: Refusal | MariadbRefusal }
  | { kind: "proposed"; proposal: DiscoveryProposal; questions: Question[]; observations: Observation[] };

type Server = ServerReading & { details: ServerDetails };

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

function refuse(found: Refusal): never {
  throw new Refused(found);
}

const label = (server: ServerReading) => endpointLabel(server.endpoint);

function receiverAddress(server: Server): string | null {
  const receiver = server.details.walReceiver;
  return receiver?.senderHost && receiver.senderPort ? endpointLabel({ host: receiver.senderHost, port: receiver.senderPort }) : null;
}

/** Servers discovery can read, in the order they must be checked: too old first, then what each must be. */
function checkServers(primary: ServerReading, standbys: readonly ServerReading[]): { primary: Server; standbys: Server[] } {
  for (const server of [primary, ...standbys]) {
    if (server.versionNum < MIN_SERVER_VERSION_NUM || !server.details) refuse(refusal("server-too-old", server.field, { server: label(server), version: server.version }));
  }
  const readable = (server: ServerReading) => server as Server;
  const hidden = (server: Server) => server.details.walSenders.some((sender) => sender.state === null) || server.details.walReceiver?.status === null;

  const top = readable(primary);
  if (top.details.inRecovery) refuse(refusal("not-a-primary", top.field, { server: label(top), upstream: receiverAddress(top) }));
  if (hidden(top)) refuse(refusal("replication-hidden", top.field, { server: label(top), role: top.role }));
  for (const standby of standbys.map(readable)) {
    if (!standby.details.inRecovery) refuse(refusal("standby-not-in-recovery", standby.field, { server: label(standby) }));
    if (standby.details.systemIdentifier !== top.details.systemIdentifier) {
      refuse(
        refusal("other-cluster", standby.field, {
          server: label(standby),
          systemIdentifier: standby.details.systemIdentifier,
          primary: label(top),
          primarySystemIdentifier: top.details.systemIdentifier,
        }),
      );
    }
    if (hidden(standby)) refuse(refusal("replication-hidden", standby.field, { server: label(standby), role: standby.role }));
  }
  return { primary: top, standbys: standbys.map(readable) };
}

const conninfoOptions = (text: string | null | undefined) => {
  const parsed = parseConninfo(text ?? "");
  return parsed.ok ? parsed.options : new Map<string, string>();
};

/**
 * The application_name a standby streams as: what its WAL receiver connected
 * with, as libpq filled it in; with no WAL receiver running, what it would
 * connect with (primary_conninfo's, else cluster_name, as the WAL receiver
 * falls back).
 */
function streamName(standby: Server): string {
  const inUse = conninfoOptions(standby.details.walReceiver?.conninfo);
  const setting = standby.details.primaryConninfo;
  const configured = conninfoOptions(setting.readable ? setting.value : null);
  return (
    inUse.get("application_name") || inUse.get("fallback_application_name") || configured.get("application_name") || standby.details.clusterName || "walreceiver"
  );
}

/** Walsenders that are standbys: not logical replication, not a base backup. */
function standbySenders(server: Server, observations: Observation[]): WalSenderReading[] {
  const senders: WalSenderReading[] = [];
  for (const sender of server.details.walSenders) {
    if (sender.database !== null) observations.push(observation("logical-sender", { name: sender.applicationName, database: sender.database, server: label(server) }));
    else if (sender.state === "backup") observations.push(observation("base-backup", { name: sender.applicationName, server: label(server) }));
    else senders.push(sender);
  }
  return senders.sort((a, b) => (a.applicationName < b.applicationName ? -1 : a.applicationName > b.applicationName ? 1 : a.pid - b.pid));
}

interface Stream {
  upstream: Server;
  sender: WalSenderReading;
  /** The standby's own reading, when its URL was given. */
  standby: Server | null;
}

/**
 * Every standby, walking down from the primary: its own walsenders first,
 * then those of each standby whose URL was given (cascades). A standby
 * given but not reached this way streams from somewhere discovery did not
 * read, and is refused rather than guessed at.
 */
function walkStreams(primary: Server, standbys: Server[], observations: Observation[]): Stream[] {
  const byName = new Map<string, Server>();
  for (const standby of standbys) {
    if (!standby.details.walReceiver) {
      refuse(refusal("standby-not-streaming-here", standby.field, { server: label(standby), name: streamName(standby), receiver: "its WAL receiver is not running" }));
    }
    const name = foldStandbyName(streamName(standby));
    const twin = byName.get(name);
    if (twin) refuse(refusal("same-standby-twice", standby.field, { server: label(standby), other: label(twin), name: streamName(standby) }));
    byName.set(name, standby);
  }

  const sendersOf = new Map([primary, ...standbys].map((server) => [server, standbySenders(server, observations)] as const));
  const everySender = [...sendersOf].flatMap(([server, senders]) => senders.map((sender) => ({ server, sender })));
  for (const { server, sender } of everySender) {
    const name = foldStandbyName(sender.applicationName);
    const namesakes = everySender.filter((other) => foldStandbyName(other.sender.applicationName) === name);
    if (namesakes.length > 1) {
      refuse(refusal("duplicate-application-name", server.field, { name: sender.applicationName, servers: [...new Set(namesakes.map((other) => label(other.server)))].join(", ") }));
    }
  }

  const streams: Stream[] = [];
  const queue: Server[] = [primary];
  const reached = new Set<Server>([primary]);
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const sender of sendersOf.get(next)!) {
      const standby = byName.get(foldStandbyName(sender.applicationName)) ?? null;
      streams.push({ upstream: next, sender, standby });
      if (standby && !reached.has(standby)) {
        reached.add(standby);
        queue.push(standby);
      }
    }
  }
  for (const standby of standbys) {
    if (!reached.has(standby)) {
      const sender = receiverAddress(standby);
      const receiver = sender ? `its WAL receiver reads from ${sender}` : "its WAL receiver names no upstream";
      refuse(refusal("standby-not-streaming-here", standby.field, { server: label(standby), name: streamName(standby), receiver }));
    }
  }
  return streams;
}

function standbyNamesOf(primary: Server): SynchronousStandbyConfig | null {
  const parsed = parseSynchronousStandbyNames(primary.details.synchronousStandbyNames);
  if (!parsed.ok) refuse(refusal("standby-names-unreadable", primary.field, { server: label(primary), error: parsed.error }));
  return parsed.config;
}

/** The primary's name is the application_name its own primary_conninfo carries, left from when it was a standby. */
function primaryName(primary: Server, streams: Stream[]): { name: string } | { gap: PrimaryNameGap } {
  const setting = primary.details.primaryConninfo;
  if (!setting.readable) return { gap: { kind: "unreadable" } };
  if (!setting.value) return { gap: { kind: "no-conninfo" } };
  const name = conninfoOptions(setting.value).get("application_name");
  if (!name) return { gap: { kind: "no-application-name" } };
  if (streams.some((stream) => foldStandbyName(stream.sender.applicationName) === foldStandbyName(name))) return { gap: { kind: "taken", name } };
  return { name };
}

const NAME_SCHEMA = fleetReplicaSchema.shape.name;

function nameQuestion(index: number, name: string): Question[] {
  const checked = NAME_SCHEMA.safeParse(name);
  return checked.success ? [] : [question("replica-name-invalid", { index, name, problem: checked.error.issues[0]?.message ?? "invalid" })];
}

/** What the standby whose URL was given says about its own stream, against what its upstream says. */
function crossCheck(stream: Stream, name: string, observations: Observation[]): void {
  const { standby, upstream, sender } = stream;
  if (!standby) return;
  const receiver = standby.details.walReceiver!;
  const heldSlot = upstream.details.slots.find((slot) => slot.activePid === sender.pid)?.name;
  if (receiver.slotName && heldSlot && receiver.slotName !== heldSlot) {
    refuse(refusal("slot-mismatch", standby.field, { server: label(standby), name, slot: receiver.slotName, upstream: label(upstream), upstreamSlot: heldSlot }));
  }
  const reachedAt = receiverAddress(standby);
  if (reachedAt && reachedAt !== label(upstream)) observations.push(observation("sender-address", { name, sender: reachedAt, upstream: label(upstream) }));

  const setting = standby.details.primaryConninfo;
  if (!setting.readable) {
    observations.push(observation("conninfo-unreadable", { name }));
    return;
  }
  const configured = conninfoOptions(setting.value);
  const named = configured.get("application_name");
  if (named && named !== name) observations.push(observation("conninfo-differs", { name, setting: `application_name ${named}`, inUse: `application_name ${name}` }));
  const host = configured.get("host");
  const port = Number(configured.get("port") || 5432);
  if (host && !host.includes(",") && reachedAt && endpointLabel({ host, port }) !== reachedAt) {
    observations.push(observation("conninfo-differs", { name, setting: endpointLabel({ host, port }), inUse: reachedAt }));
  }
}

function syncObservations(config: SynchronousStandbyConfig | null): Observation[] {
  if (!config) return [];
  const found: Observation[] = [];
  if (config.names.includes("*")) found.push(observation("wildcard", {}));
  if (config.method === "quorum") found.push(observation("quorum", { count: config.count, names: config.names.join(", ") }));
  if (config.count > 1) found.push(observation("sync-count", { count: config.count }));
  return found;
}

/** Reads what PostgreSQL knows into a proposal, the questions it cannot answer, and what it saw; or a refusal naming the field to fix. */
export function proposeTopology(request: DiscoveryRequest, primaryReading: ServerReading, standbyReadings: readonly ServerReading[]): DiscoveryOutcome {
  try {
    return propose(request, primaryReading, standbyReadings);
  } catch (error) {
    if (error instanceof Refused) return { kind: "refused", refusal: error.refusal };
    throw error;
  }
}

function propose(request: DiscoveryRequest, primaryReading: ServerReading, standbyReadings: readonly ServerReading[]): DiscoveryOutcome {
  const { primary, standbys } = checkServers(primaryReading, standbyReadings);
  const config = standbyNamesOf(primary);
  const observations: Observation[] = [];
  const streams = walkStreams(primary, standbys, observations);
  const questions: Question[] = [];
  const database = primary.endpoint.database;
  const withDatabase = (replica: ProposedReplica, index: number, name: string): ProposedReplica => {
    if (database) return { ...replica, database };
    questions.push(question("database", { index, name }));
    return replica;
  };

  if (request.serviceId === undefined) questions.push(question("service-id", {}));
  if (request.name === undefined) questions.push(question("service-name", {}));

  const ownName = primaryName(primary, streams);
  const primaryLabel = "name" in ownName ? ownName.name : `the primary at ${label(primary)}`;
  if ("gap" in ownName) questions.push(question("primary-name", { server: label(primary), why: ownName.gap }), question("primary-field", {}));
  else questions.push(...nameQuestion(0, ownName.name));
  const replicas: ProposedReplica[] = [
    withDatabase({ ...("name" in ownName ? { name: ownName.name } : {}), host: primary.endpoint.host, port: primary.endpoint.port }, 0, primaryLabel),
  ];
  questions.push(question("replica-region", { index: 0, name: primaryLabel }), question("primary-replication", { index: 0, name: primaryLabel }));

  observations.push(...syncObservations(config));
  for (const stream of streams) {
    const index = replicas.length;
    const { sender, upstream, standby } = stream;
    const name = sender.applicationName;
    const direct = upstream === primary;
    const replication = direct && standbyPriority(config, name) > 0 ? "sync" : "async";
    questions.push(...nameQuestion(index, name));
    let replica: ProposedReplica = { name };
    if (standby) {
      replica = { ...replica, host: standby.endpoint.host, port: standby.endpoint.port };
    } else {
      questions.push(question("standby-host", { index, name, clientAddr: sender.clientAddr }), question("standby-port", { index, name }));
    }
    replicas.push({ ...withDatabase(replica, index, name), replication });
    questions.push(question("replica-region", { index, name }));

    if (!direct) observations.push(observation("cascading", { name, upstream: label(upstream) }));
    if (sender.state !== "streaming") observations.push(observation("not-streaming-yet", { name, state: sender.state ?? "unknown" }));
    if (!upstream.details.slots.some((slot) => slot.activePid === sender.pid)) observations.push(observation("no-slot", { name }));
    if (direct && sender.syncState === "potential" && replication === "sync") observations.push(observation("potential-standby", { name }));
    if (direct && sender.syncState !== null && (sender.syncState === "async") !== (replication === "async")) {
      observations.push(observation("sync-state-differs", { name, proposed: replication, reported: sender.syncState }));
    }
    crossCheck(stream, name, observations);
  }

  questions.push(question("regions", {}), question("datasets", {}));
  for (const slot of primary.details.slots) {
    if (slot.type === "physical" && !slot.active) questions.push(question("inactive-slot", { slot: slot.name }));
  }
  const directNames = streams.filter((stream) => stream.upstream === primary).map((stream) => stream.sender.applicationName);
  for (const name of unmatchedNames(config, "name" in ownName ? [...directNames, ownName.name] : directNames)) {
    questions.push(question("missing-sync-standby", { name }));
  }
  if (directNames.length === 0) questions.push(question("no-standbys", { server: label(primary) }));

  const service: ProposedService = {
    ...(request.serviceId !== undefined ? { id: request.serviceId } : {}),
    ...(request.name !== undefined ? { name: request.name } : {}),
    engine: "postgresql",
    ...("name" in ownName ? { primary: ownName.name } : {}),
    replicas,
  };
  return { kind: "proposed", proposal: { version: 1, services: [service] }, questions, observations };
}
