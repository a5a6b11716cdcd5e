import "server-only";
import { discoveryEngineOf, parseDiscoveryUrl, type DiscoverRequest, type DiscoveryResult } from "@/contracts/discovery";
import type { MariadbServerReading, MariadbUnreadServer } from "@/core/discovery/mariadb-readings";
import { mariadbServersToRead, proposeMariadbTopology } from "@/core/discovery/propose-mariadb-topology";
import { proposeTopology, type DiscoveryOutcome } from "@/core/discovery/propose-topology";
import type { RequestField, ServerReading } from "@/core/discovery/readings";
import { endpointLabel, type ServerTarget } from "@/core/discovery/server-url";
import { recordAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { ValidationError } from "../errors";
import { readMariadbServer } from "./read-mariadb-server";
import { readServer, ServerReadError } from "./read-server";

interface Target {
  field: RequestField;
  server: ServerTarget;
}

function targetsOf(request: DiscoverRequest): Target[] {
  const urls: [RequestField, string][] = [["primaryUrl", request.primaryUrl], ...request.standbyUrls.map((url, index): [RequestField, string] => [`standbyUrls.${index}`, url])];
  return urls.map(([field, url]) => {
    const parsed = parseDiscoveryUrl(url);
    if (!parsed.ok) throw new ValidationError(`${field}: ${parsed.problem}`, field);
    return { field, server: parsed.target };
  });
}

/**
 * MariaDB: the servers the request names, then every server their sources
 * and registered replicas lead to, read with the seed's account (field
 * primaryUrl). A server walked to that cannot be read is a finding, not a
 * failure: the proposal asks for what only it could have told.
 */
async function readMariadbTopology(targets: Target[]): Promise<{ readings: MariadbServerReading[]; unread: MariadbUnreadServer[] }> {
  const readings = await Promise.all(targets.map((target) => readMariadbServer(target.field, target.server)));
  const unread: MariadbUnreadServer[] = [];
  const seed = targets[0]!.server;
  for (let next = mariadbServersToRead(readings, unread); next.length > 0; next = mariadbServersToRead(readings, unread)) {
    const results = await Promise.allSettled(next.map((candidate) => readMariadbServer("primaryUrl", { ...seed, ...candidate.endpoint }, candidate.reachedBy)));
    results.forEach((result, index) => {
      const candidate = next[index]!;
      if (result.status === "fulfilled") readings.push(result.value);
      else if (result.reason instanceof ServerReadError) unread.push({ ...candidate, error: result.reason.message.replace(/^could not read \S+ as \S+: /, "") });
      else throw result.reason;
    });
  }
  return { readings, unread };
}

/** PostgreSQL: the servers the request names, and no others (a standby left out is found through its primary). */
async function readPostgresql(targets: Target[]): Promise<ServerReading[]> {
  const readings: ServerReading[] = [];
  for (const result of await Promise.allSettled(targets.map((target) => readServer(target.field, target.server)))) {
    if (result.status === "rejected") throw result.reason;
    readings.push(result.value);
  }
  return readings;
}

/**
 * Reads the servers the request names and proposes their topology. Nothing
 * is stored but the audit event, successful or not, which names the servers
 * by host:port and the role used, never a password. A server that cannot be
 * read, or a topology discovery refuses, answers 400 naming the field.
 */
export async function discoverTopology(request: DiscoverRequest, actor: AuditActor): Promise<DiscoveryResult> {
  const targets = targetsOf(request);
  const [primary] = targets;
  const engine = discoveryEngineOf(request.primaryUrl);
  const audit = (outcome: "success" | "failure", reason: string | null, details: Record<string, unknown> = {}) =>
    recordAuditEvent({
      actor,
      action: "topology.discover",
      target: { type: `${engine}_server`, id: endpointLabel(primary!.server) },
      serviceId: request.serviceId ?? null,
      outcome,
      reason,
      details: { primary: endpointLabel(primary!.server), standbys: targets.slice(1).map((target) => endpointLabel(target.server)), role: primary!.server.user, ...details },
    });

  const discovery = { serviceId: request.serviceId, name: request.name };
  let outcome: DiscoveryOutcome;
  try {
    if (engine === "mariadb") {
      const { readings, unread } = await readMariadbTopology(targets);
      outcome = proposeMariadbTopology(discovery, readings, unread);
    } else {
      const [primaryReading, ...standbyReadings] = await readPostgresql(targets);
      outcome = proposeTopology(discovery, primaryReading!, standbyReadings);
    }
  } catch (error) {
    if (!(error instanceof ServerReadError)) throw error;
    await audit("failure", `${error.field}: ${error.message}`, { field: error.field });
    throw new ValidationError(`${error.field}: ${error.message}`, error.field);
  }
  if (outcome.kind === "refused") {
    const { refusal } = outcome;
    await audit("failure", `${refusal.field}: ${refusal.reason}`, { field: refusal.field, refusal: refusal.id });
    throw new ValidationError(`${refusal.field}: ${refusal.reason}`, refusal.field);
  }
  const { proposal, questions, observations } = outcome;
  await audit("success", null, {
    replicas: proposal.services[0].replicas.map((replica) => replica.name ?? null),
    questions: questions.map((item) => item.id),
    observations: observations.map((item) => item.id),
  });
  return { proposal, questions, observations };
}
