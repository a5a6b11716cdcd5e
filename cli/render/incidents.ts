import type { IncidentSummaryView, IncidentView } from "@/contracts/incidents";
import { table, utc } from "../format";

const roles = (incident: IncidentSummaryView) =>
  `commander ${incident.commander?.email ?? "none"}; responders ${incident.responders.length ? incident.responders.map((person) => person.email).join(", ") : "none"}`;

export function renderIncidents({ incidents }: { incidents: IncidentSummaryView[] }): string {
  if (!incidents.length) return "No incidents match.";
  const rows = incidents.map((incident) => [
    incident.id,
    incident.status,
    incident.serviceIds.join(", "),
    utc(incident.openedAt),
    incident.resolvedAt ? utc(incident.resolvedAt) : "—",
    incident.commander?.email ?? "—",
    incident.title,
  ]);
  return table(["ID", "STATUS", "SERVICES", "OPENED (UTC)", "RESOLVED (UTC)", "COMMANDER", "TITLE"], rows);
}

export function renderIncident(incident: IncidentView): string {
  const head = [
    `${incident.title}`,
    `${incident.id} · ${incident.status} · ${incident.serviceIds.join(", ")} · opened ${utc(incident.openedAt)} by ${incident.openedBy.label} (${incident.openRule})${incident.resolvedAt ? ` · resolved ${utc(incident.resolvedAt)}` : ""}`,
    roles(incident),
  ].join("\n");
  const updates = incident.updates.map((update) => `  ${utc(update.at)}  ${update.status.padEnd(13)} ${update.author.label}: ${update.note}`).join("\n");
  const rows = incident.timeline.map((entry) => [utc(entry.at), `${entry.actor.type}: ${entry.actor.label}`, entry.what, entry.rule ?? "—", entry.why ?? ""]);
  return `${head}\n\nStatus updates:\n${updates}\n\nTimeline (${utc(incident.window.from)} → ${utc(incident.window.to)}):\n${rows.length ? table(["AT (UTC)", "WHO / WHAT", "WHAT", "RULE", "WHY"], rows) : "  nothing recorded"}`;
}

export const renderIncidentChange = (incident: IncidentView) => `${incident.id} is ${incident.status}; ${roles(incident)}`;
