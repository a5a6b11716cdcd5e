import type { AlertList, AlertView } from "@/contracts/alerts";
import { table, utc } from "../format";

export function renderAlerts(list: AlertList): string {
  const summary = `${list.counts.firing} firing, ${list.counts.pending} pending, ${list.counts.resolved} resolved   (as of ${utc(list.generatedAt)})`;
  if (!list.alerts.length) return `${summary}\nNo alerts match.`;
  const rows = list.alerts.map((alert) => [
    alert.id,
    alert.maintenance ? `${alert.state} (in maintenance)` : alert.state,
    alert.severity,
    alert.serviceId ?? "(accounts)",
    alert.subject,
    utc(alert.firedAt ?? alert.startedAt),
    alert.acknowledged ? `ack by ${alert.acknowledged.by}` : "—",
    alert.maintenance ? `${alert.sentence} [raised in the ${alert.maintenance}: not sent to webhooks]` : alert.sentence,
  ]);
  return `${summary}\n\n${table(["ID", "STATE", "SEVERITY", "SERVICE", "SUBJECT", "SINCE (UTC)", "ACK", "WHY"], rows)}`;
}

export function renderAcknowledged(alert: AlertView): string {
  return `Acknowledged ${alert.id} (${alert.title}, ${alert.subject}) at ${utc(alert.acknowledged?.at ?? null)} by ${alert.acknowledged?.by ?? "?"}: ${alert.acknowledged?.note ?? ""}`;
}
