import "server-only";
import type { IncidentStatus } from "@/core/incidents/incident-status";
import { incidentTimeline, timelineWindow, type TimelineAuditEvent, type TimelineEntry, type TimelineWindow } from "@/core/incidents/timeline";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { NotFoundError } from "../errors";

/** Enough for any real incident; a window holding more is cut at its latest events and says so by its length. */
const MAX_EVENTS = 5_000;

export const incidentInclude = {
  services: { orderBy: { attachedAt: "asc" } },
  updates: { orderBy: { at: "asc" } },
  reviews: { orderBy: { version: "desc" }, take: 1, select: { version: true } },
} satisfies Prisma.IncidentInclude;

export type StoredIncident = Prisma.IncidentGetPayload<{ include: typeof incidentInclude }>;

export async function storedIncident(id: string): Promise<StoredIncident> {
  const incident = await db().incident.findUnique({ where: { id }, include: incidentInclude });
  if (!incident) throw new NotFoundError(`No incident ${id}.`);
  return incident;
}

export const serviceIdsOf = (incident: Pick<StoredIncident, "services">) => incident.services.map((service) => service.serviceId);

/** What the record holds about an incident: its window, timeline and the runs of its services started in it. */
export interface IncidentRecord {
  window: TimelineWindow;
  timeline: TimelineEntry[];
  runIds: string[];
}

/**
 * Reads the audit events (of its services, or of the incident itself) and
 * the alerts' starts of its services within the incident's window, and
 * orders them into one timeline (core/incidents/timeline).
 */
export async function incidentRecord(incident: StoredIncident, now: Date): Promise<IncidentRecord> {
  const window = timelineWindow(incident.firstSignAt, incident.resolvedAt, now);
  const serviceIds = serviceIdsOf(incident);
  const [events, alerts, runs] = await Promise.all([
    db().auditEvent.findMany({
      where: { at: { gte: window.from, lte: window.to }, OR: [{ serviceId: { in: serviceIds } }, { targetType: "incident", targetId: incident.id }] },
      orderBy: { seq: "desc" },
      take: MAX_EVENTS,
      select: { seq: true, at: true, actorType: true, actorLabel: true, action: true, targetType: true, targetId: true, serviceId: true, outcome: true, reason: true, after: true, details: true, runId: true },
    }),
    db().alert.findMany({
      where: { serviceId: { in: serviceIds }, startedAt: { gte: window.from, lte: window.to } },
      select: { id: true, ruleId: true, serviceId: true, subjectLabel: true, severity: true, startedAt: true, sentence: true },
    }),
    db().run.findMany({ where: { serviceId: { in: serviceIds }, startedAt: { gte: window.from, lte: window.to } }, orderBy: { startedAt: "asc" }, select: { id: true } }),
  ]);
  const timelineEvents: TimelineAuditEvent[] = events.map((event) => ({ ...event, seq: event.seq.toString() }));
  return { window, timeline: incidentTimeline(window, timelineEvents, alerts), runIds: runs.map((run) => run.id) };
}

export const isResolved = (status: IncidentStatus) => status === "resolved";
