import "server-only";
import type { IncidentSummaryView, IncidentView } from "@/contracts/incidents";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { incidentInclude, incidentRecord, serviceIdsOf, storedIncident, type StoredIncident } from "./incident-record";

type Person = { id: string; email: string; name: string | null };

/** The people an incident's roles name, by id (a user since removed reads as their id). */
async function peopleOf(incidents: readonly StoredIncident[]): Promise<Map<string, Person>> {
  const ids = [...new Set(incidents.flatMap((incident) => [...(incident.commanderId ? [incident.commanderId] : []), ...incident.responderIds]))];
  if (!ids.length) return new Map();
  const users = await db().user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, name: true } });
  return new Map(users.map((user) => [user.id, user]));
}

const person = (people: Map<string, Person>, id: string): Person => people.get(id) ?? { id, email: id, name: null };

function updateView(update: StoredIncident["updates"][number]) {
  return { id: update.id, status: update.status, note: update.note, publicNote: update.publicNote, author: { type: update.authorType, label: update.authorLabel }, at: update.at.toISOString() };
}

function summaryOf(incident: StoredIncident, people: Map<string, Person>): IncidentSummaryView {
  const last = incident.updates.at(-1);
  return {
    id: incident.id,
    title: incident.title,
    serviceIds: serviceIdsOf(incident),
    status: incident.status,
    openRule: incident.openRule,
    openedBy: { type: incident.openedByType, label: incident.openedByLabel },
    firstSignAt: incident.firstSignAt.toISOString(),
    openedAt: incident.openedAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    publicTitle: incident.publicTitle,
    commander: incident.commanderId ? person(people, incident.commanderId) : null,
    responders: incident.responderIds.map((id) => person(people, id)),
    lastUpdate: last ? updateView(last) : null,
  };
}

/** Incidents, open ones first, then newest first. */
export async function listIncidents(query: { serviceId?: string; open?: "true" | "false"; limit: number }): Promise<IncidentSummaryView[]> {
  const where: Prisma.IncidentWhereInput = {
    ...(query.serviceId ? { services: { some: { serviceId: query.serviceId } } } : {}),
    ...(query.open === "true" ? { status: { not: "resolved" } } : query.open === "false" ? { status: "resolved" } : {}),
  };
  const incidents = await db().incident.findMany({ where, include: incidentInclude, orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { openedAt: "desc" }], take: query.limit });
  const people = await peopleOf(incidents);
  return incidents.map((incident) => summaryOf(incident, people));
}

/** One incident with its status updates and its timeline, read from the record. */
export async function incidentView(id: string, now = new Date()): Promise<IncidentView> {
  const incident = await storedIncident(id);
  const [people, record] = await Promise.all([peopleOf([incident]), incidentRecord(incident, now)]);
  return {
    ...summaryOf(incident, people),
    updates: incident.updates.map(updateView),
    window: { from: record.window.from.toISOString(), to: record.window.to.toISOString() },
    timeline: record.timeline.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
    runIds: record.runIds,
    reviewVersion: incident.reviews[0]?.version ?? null,
  };
}
