import "server-only";
import { UNPLANNED_FAILOVER_RUNBOOK } from "@/core/automation/rules";
import { windowInForce } from "@/core/policy/maintenance-windows";
import { componentState, pageIndicator, type ServiceStatusFacts } from "@/core/status/component-state";
import { availability, dailyHistory, HISTORY_DAYS, incidentSegments, type StateSegment } from "@/core/status/status-history";
import type { PublicIncident, StatusPage } from "@/contracts/status-page";
import { db } from "../db/client";
import { fleetSnapshot, type ServiceInSnapshot } from "../fleet/fleet-snapshot";
import { listStatusComponents } from "./status-components";

const DAY_MS = 86_400_000;

/** The page's title: `SWITCHYARD_STATUS_PAGE_TITLE`, for the public's eyes. */
export const statusPageTitle = () => process.env.SWITCHYARD_STATUS_PAGE_TITLE?.trim() || "Service status";

/** Every live service under one component when none is configured: the page then names no service. */
const ALL_SYSTEMS = { id: "all-systems", name: "All systems", description: null };

type OpenStatus = ServiceStatusFacts["openIncident"];

function factsOf(service: ServiceInSnapshot, openIncident: OpenStatus, now: Date): ServiceStatusFacts {
  const write = service.replicas.find((replica) => replica.name === service.writeReplicaName) ?? null;
  return {
    writeHealth: write?.health ?? null,
    otherHealths: service.replicas.filter((replica) => replica !== write).map((replica) => replica.health),
    openIncident,
    inMaintenance: windowInForce(service.policy?.document.maintenanceWindows ?? [], now) !== null,
  };
}

/**
 * The spans users could not write (an unplanned failover's observed
 * outage) or planned work interrupted them (any other run that moved the
 * write role, and maintenance windows), per service, over the history.
 */
async function segmentsByService(services: readonly ServiceInSnapshot[], now: Date): Promise<Map<string, StateSegment[]>> {
  const since = new Date(now.getTime() - HISTORY_DAYS * DAY_MS);
  const runs = await db().run.findMany({
    where: { serviceId: { in: services.map((service) => service.id) }, observedRtoMs: { not: null }, finishedAt: { gte: since } },
    select: { serviceId: true, runbookId: true, observedRto: true },
  });
  const segments = new Map<string, StateSegment[]>(services.map((service) => [service.id, []]));
  for (const run of runs) {
    const span = run.observedRto as { from?: string | null; to?: string | null } | null;
    if (!span?.from || !span.to) continue;
    segments.get(run.serviceId)?.push({ from: new Date(span.from), to: new Date(span.to), state: run.runbookId === UNPLANNED_FAILOVER_RUNBOOK ? "major_outage" : "under_maintenance" });
  }
  for (const service of services) {
    for (const window of service.policy?.document.maintenanceWindows ?? []) {
      const from = new Date(window.startsAt);
      if (from > now || new Date(window.endsAt) < since) continue;
      segments.get(service.id)?.push({ from, to: new Date(Math.min(Date.parse(window.endsAt), now.getTime())), state: "under_maintenance" });
    }
  }
  return segments;
}

/** Incidents open now or resolved within the history, with their status updates, oldest update first. */
function recentIncidents(since: Date) {
  return db().incident.findMany({
    where: { OR: [{ resolvedAt: null }, { resolvedAt: { gte: since } }] },
    select: {
      id: true,
      status: true,
      publicTitle: true,
      openedAt: true,
      resolvedAt: true,
      services: { select: { serviceId: true } },
      updates: { select: { id: true, status: true, publicNote: true, at: true }, orderBy: { at: "asc" } },
    },
    orderBy: { openedAt: "desc" },
  });
}
type RecentIncident = Awaited<ReturnType<typeof recentIncidents>>[number];

/**
 * An incident as the public sees it: only once its commander posted there,
 * with the public title and the public notes, under the names of the
 * components it touches.
 */
function publicIncident(incident: RecentIncident, componentNames: (serviceIds: readonly string[]) => string[]): PublicIncident | null {
  if (incident.publicTitle === null) return null;
  return {
    id: incident.id,
    title: incident.publicTitle,
    status: incident.status,
    components: componentNames(incident.services.map((service) => service.serviceId)),
    startedAt: incident.openedAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    updates: incident.updates
      .flatMap((update) => (update.publicNote === null ? [] : [{ id: update.id, status: update.status, body: update.publicNote, at: update.at.toISOString() }]))
      .reverse(),
  };
}

/**
 * What the public status page says now, read from the store: each
 * component's state from its services' health, its 90 days of history, and
 * the page's one-line verdict. Nothing internal leaves: components carry
 * their public names only.
 */
export async function statusDocument(now = new Date()): Promise<StatusPage> {
  const [snapshot, configured] = await Promise.all([fleetSnapshot(now), listStatusComponents()]);
  const components = configured.components.length ? configured.components : [{ ...ALL_SYSTEMS, services: snapshot.services.map((service) => service.id) }];
  const byId = new Map(snapshot.services.map((service) => [service.id, service]));
  const [segments, incidents] = await Promise.all([segmentsByService(snapshot.services, now), recentIncidents(new Date(now.getTime() - HISTORY_DAYS * DAY_MS))]);
  const openStatus = new Map<string, OpenStatus>();
  for (const incident of incidents) {
    for (const { serviceId } of incident.services) {
      if (incident.status !== "resolved") openStatus.set(serviceId, incident.status);
      segments.get(serviceId)?.push(...incidentSegments(incident.updates));
    }
  }
  const shown = components.map((component) => {
    const services = component.services.flatMap((id) => byId.get(id) ?? []);
    const history = dailyHistory(
      services.flatMap((service) => segments.get(service.id) ?? []),
      now,
    );
    return {
      id: component.id,
      name: component.name,
      description: component.description,
      state: componentState(services.map((service) => factsOf(service, openStatus.get(service.id) ?? null, now))),
      availability: availability(history, now),
      history,
    };
  });
  const componentNames = (serviceIds: readonly string[]) => components.filter((component) => component.services.some((id) => serviceIds.includes(id))).map((component) => component.name);
  const posted = incidents.flatMap((incident) => publicIncident(incident, componentNames) ?? []);
  return {
    title: statusPageTitle(),
    indicator: pageIndicator(shown.map((component) => component.state)),
    components: shown,
    openIncidents: posted.filter((incident) => incident.status !== "resolved"),
    pastIncidents: posted.filter((incident) => incident.status === "resolved"),
    generatedAt: now.toISOString(),
    stale: false,
  };
}
