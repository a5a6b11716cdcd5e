import "server-only";
import { ruleById, type AlertRuleId } from "@/core/alerts/alert-rules";
import type { NotifiedAlert } from "@/core/notifications/notification-group";
import type { Alert } from "../db/generated/client";

/** An alert as every notification format carries it. */
export function notifiedAlert(alert: Alert): NotifiedAlert {
  return {
    id: alert.id,
    ruleId: alert.ruleId as AlertRuleId,
    title: ruleById(alert.ruleId as AlertRuleId).title,
    severity: alert.severity,
    serviceId: alert.serviceId,
    subjectLabel: alert.subjectLabel,
    sentence: alert.sentence,
    state: alert.state === "resolved" ? "resolved" : "firing",
    startedAt: alert.startedAt,
    firedAt: alert.firedAt,
    resolvedAt: alert.resolvedAt,
    policyVersion: alert.policyVersion,
  };
}

/** The console's own address (NEXTAUTH_URL), when the control plane knows it. */
export const consoleBaseUrl = (): string | null => process.env.NEXTAUTH_URL?.replace(/\/$/, "") || null;

/** Where a person sees a group's alerts in the console, when the control plane knows its address. */
export function consoleUrlOf(serviceId: string | null, alerts: readonly Pick<NotifiedAlert, "ruleId">[]): string | null {
  const base = consoleBaseUrl();
  if (!base) return null;
  const filter = serviceId !== null ? `service=${encodeURIComponent(serviceId)}` : alerts.length === 1 ? `rule=${encodeURIComponent(alerts[0]!.ruleId)}` : "";
  return `${base}/alerts${filter ? `?${filter}` : ""}`;
}
