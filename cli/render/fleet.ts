import type { FleetOverview, ServiceOverview } from "@/contracts/fleet-overview";
import type { ReadRoute, ServiceDetail, ServiceRoute, WriteRoute } from "@/contracts/services";
import { HEALTH_STATES } from "@/core/fleet/replica-health";
import { ago, counts, lagText, percent, plural, table, utc } from "../format";

/** The fleet's one-line answer to "is anything wrong": the same verdict the Fleet page shows. */
export function fleetVerdict(overview: FleetOverview): string {
  const total = Object.values(overview.replicas).reduce((sum, count) => sum + count, 0);
  if (total === 0) return "No replicas yet";
  const unwell = total - (overview.replicas.healthy ?? 0);
  return unwell === 0 ? `All ${plural(total, "replica")} healthy` : `${plural(unwell, "replica")} of ${total} need attention`;
}

function worstLag(service: ServiceOverview): string {
  const lag = service.worstLag;
  if (!lag) return "—";
  return `${lag.replicaName} ${lagText(lag.lagBytes, lag.lagSeconds)} (${percent(lag.ratio)})${lag.stale ? " stale" : ""}`;
}

export function renderFleet(overview: FleetOverview): string {
  const services = table(
    ["SERVICE", "WRITE REGION", "HEALTH", "WORST LAG", "AUTOMATION", "ACTIVE RUNS"],
    overview.services.map((service) => [
      service.id,
      service.writeRegionId ?? "none",
      service.health,
      worstLag(service),
      service.automation.state,
      service.activeRuns.length ? service.activeRuns.map((run) => `${run.id} ${run.runbookId} (${run.status})`).join("; ") : "—",
    ]),
  );
  const attention = overview.services.flatMap((service) =>
    service.attention.map((replica) => `  ${service.id}/${replica.replicaName} (${replica.regionId}) ${replica.health}: ${replica.reason}`),
  );
  const regions = table(
    ["REGION", "HEALTH", "REPLICAS", "WITNESSES REACHING"],
    overview.regions.map((state) => [
      state.region.id,
      state.health,
      counts(state.replicas, HEALTH_STATES),
      state.witnesses.observers === 0 ? "no witnesses" : `${state.witnesses.reaching}/${state.witnesses.observers}${state.witnesses.unreachableSince ? ` (unreachable since ${utc(state.witnesses.unreachableSince)})` : ""}`,
    ]),
  );
  return [
    `${fleetVerdict(overview)} — ${counts(overview.replicas, HEALTH_STATES)}   (as of ${utc(overview.generatedAt)})`,
    ...overview.loopStalls.map((stall) => `STOPPED: ${stall.sentence}`),
    ...overview.storeWarnings.map((warning) => `STORE: ${warning.sentence}`),
    ...(attention.length ? ["", "Needs attention:", ...attention] : []),
    "",
    services,
    "",
    regions,
  ].join("\n");
}

export function renderService(detail: ServiceDetail, now: Date): string {
  const writeReplica = detail.replicas.find((replica) => replica.id === detail.writeReplicaId);
  const rows = detail.replicas.map((replica) => [
    replica.name,
    replica.regionId,
    replica.role + (replica.live.reportedRole && replica.live.reportedRole !== replica.role ? ` (reports ${replica.live.reportedRole})` : ""),
    replica.replication,
    replica.live.health + (replica.live.reasons[0] ? `: ${replica.live.reasons[0]}` : ""),
    lagText(replica.live.lagBytes, replica.live.lagSeconds),
    replica.live.timeline === null ? "—" : String(replica.live.timeline),
    ago(replica.live.lastReportAt, now),
  ]);
  return [
    `${detail.id} (${detail.engine}) — writes to ${writeReplica ? `${writeReplica.name} in ${detail.writeRegionId}` : "nowhere"}, epoch ${detail.epoch}, policy v${detail.policyVersion ?? "—"}, stale after ${detail.staleAfterSeconds} s   (as of ${utc(detail.generatedAt)})`,
    "",
    table(["REPLICA", "REGION", "ROLE", "MODE", "HEALTH", "LAG (BYTES / TIME)", "TIMELINE", "LAST REPORT"], rows),
  ].join("\n");
}

function renderWriteRoute(route: WriteRoute): string {
  return [
    table(
      ["SERVICE", "WRITE REGION", "WRITE REPLICA", "ENDPOINT", "EPOCH"],
      [[route.serviceId, route.writeRegionId ?? "none", route.writeReplica ?? "none", route.endpoint ?? "—", String(route.epoch)]],
    ),
    "",
    `Connection string (libpq, fails over by itself): ${route.connectionString ?? "— (no write replica)"}`,
  ].join("\n");
}

const orDash = (value: number | null, unit: string) => (value === null ? "—" : `${value} ${unit}`);

function renderReadRoute(route: ReadRoute): string {
  const rows = route.candidates.map((candidate) => [
    candidate.name,
    candidate.regionId,
    candidate.role,
    orDash(candidate.lagSeconds, "s"),
    orDash(candidate.rttMs, "ms"),
    candidate.serves ? (candidate.replicaId === route.replica?.id ? "chosen" : "serves") : `${candidate.rule}: ${candidate.reason}`,
  ]);
  return [
    route.sentence,
    ...(route.replica ? [`Endpoint: ${route.replica.endpoint}`] : []),
    "",
    table(["REPLICA", "REGION", "ROLE", "LAG", `RTT FROM ${route.near}`, "VERDICT"], rows),
  ].join("\n");
}

export function renderRoute(route: ServiceRoute): string {
  return route.intent === "read" ? renderReadRoute(route) : renderWriteRoute(route);
}
