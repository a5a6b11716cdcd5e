import "server-only";
import type { DiscoverRequest, DiscoveryResult } from "@/contracts/discovery";
import { proposeTopology } from "@/core/discovery/propose-topology";
import type { RequestField, ServerReading } from "@/core/discovery/readings";
import { endpointLabel, parseServerUrl, type ServerTarget } from "@/core/discovery/server-url";
import { recordAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { ValidationError } from "../errors";
import { readServer, ServerReadError } from "./read-server";

interface Target {
  field: RequestField;
  server: ServerTarget;
}

function targetsOf(request: DiscoverRequest): Target[] {
  const urls: [RequestField, string][] = [["primaryUrl", request.primaryUrl], ...request.standbyUrls.map((url, index): [RequestField, string] => [`standbyUrls.${index}`, url])];
  return urls.map(([field, url]) => {
    const parsed = parseServerUrl(url);
    if (!parsed.ok) throw new ValidationError(`${field}: ${parsed.problem}`, field);
    return { field, server: parsed.target };
  });
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
  const audit = (outcome: "success" | "failure", reason: string | null, details: Record<string, unknown> = {}) =>
    recordAuditEvent({
      actor,
      action: "topology.discover",
      target: { type: "postgresql_server", id: endpointLabel(primary!.server) },
      serviceId: request.serviceId ?? null,
      outcome,
      reason,
      details: { primary: endpointLabel(primary!.server), standbys: targets.slice(1).map((target) => endpointLabel(target.server)), role: primary!.server.user, ...details },
    });

  const readings: ServerReading[] = [];
  for (const result of await Promise.allSettled(targets.map((target) => readServer(target.field, target.server)))) {
    if (result.status === "fulfilled") {
      readings.push(result.value);
      continue;
    }
    const error = result.reason as unknown;
    if (!(error instanceof ServerReadError)) throw error;
    await audit("failure", `${error.field}: ${error.message}`, { field: error.field });
    throw new ValidationError(`${error.field}: ${error.message}`, error.field);
  }
  const [primaryReading, ...standbyReadings] = readings;

  const outcome = proposeTopology({ serviceId: request.serviceId, name: request.name }, primaryReading!, standbyReadings);
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
