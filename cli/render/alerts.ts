import type { AlertList, AlertView } from "@/contracts/alerts";
import { table, utc } from "../format";

/** What muted it when raised, and what mutes it now, in brackets. */
function muting(alert: AlertView): string[] {
  return [
    alert.maintenance ? `[muted: ${alert.maintenance}; not sent to webhooks]` : null,
    alert.silencedBy ? `[silenced by ${alert.silencedBy.id} until ${utc(alert.silencedBy.endsAt)}]` : null,
    alert.inhibitedBy ? `[inhibited by ${alert.inhibitedBy.ruleId} on ${alert.inhibitedBy.subject}, alert ${alert.inhibitedBy.alertId}]` : null,
  ].filter((text): text is string => text !== null);
}

export function renderAlerts(list: AlertList): string {
  const summary = `${list.counts.firing} firing, ${list.counts.pending} pending, ${list.counts.resolved} resolved   (as of ${utc(list.generatedAt)})`;
  if (!list.alerts.length) return `${summary}\nNo alerts match.`;
  const rows = list.alerts.map((alert) => [
    alert.id,
    alert.maintenance || alert.silencedBy || alert.inhibitedBy ? `${alert.state} (muted)` : alert.state,
    alert.severity,
    alert.serviceId ?? "(accounts)",
    alert.subject,
    utc(alert.firedAt ?? alert.startedAt),
    alert.acknowledged ? `ack by ${alert.acknowledged.by}` : "—",
    [alert.sentence, ...muting(alert)].join(" "),
  ]);
  return `${summary}\n\n${table(["ID", "STATE", "SEVERITY", "SERVICE", "SUBJECT", "SINCE (UTC)", "ACK", "WHY"], rows)}`;
}

export function renderAcknowledged(alert: AlertView): string {
  return `Acknowledged ${alert.id} (${alert.title}, ${alert.subject}) at ${utc(alert.acknowledged?.at ?? null)} by ${alert.acknowledged?.by ?? "?"}: ${alert.acknowledged?.note ?? ""}`;
}
