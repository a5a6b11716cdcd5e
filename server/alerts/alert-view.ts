import "server-only";
import type { AlertView } from "@/contracts/alerts";
import { ruleById, type AlertRuleId } from "@/core/alerts/alert-rules";
import type { Alert } from "../db/generated/client";
import type { AlertMuting } from "./alert-muting";

/** An alert as the API shows it, with what mutes it now (alert-muting.ts). */
export function alertView(alert: Alert, muting: AlertMuting): AlertView {
  return {
    id: alert.id,
    ruleId: alert.ruleId as AlertRuleId,
    title: ruleById(alert.ruleId as AlertRuleId).title,
    severity: alert.severity,
    state: alert.state,
    serviceId: alert.serviceId,
    replicaId: alert.replicaId,
    subject: alert.subjectLabel,
    sentence: alert.sentence,
    policyVersion: alert.policyVersion,
    startedAt: alert.startedAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    firedAt: alert.firedAt?.toISOString() ?? null,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    acknowledged:
      alert.acknowledgedAt && alert.acknowledgedBy ? { at: alert.acknowledgedAt.toISOString(), by: alert.acknowledgedBy, note: alert.acknowledgeNote ?? "" } : null,
    maintenance: alert.maintenance,
    ...muting,
  };
}
