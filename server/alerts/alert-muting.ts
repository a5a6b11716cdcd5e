import "server-only";
import type { AlertView } from "@/contracts/alerts";
import type { AlertRuleId } from "@/core/alerts/alert-rules";
import { inhibitions } from "@/core/alerts/inhibitions";
import { silenceOf, type Silence } from "@/core/alerts/silences";
import { db } from "../db/client";
import type { Alert } from "../db/generated/client";
import { silencesInForce, type SilencesInForce } from "./silences-in-force";

export type AlertMuting = Pick<AlertView, "silencedBy" | "inhibitedBy">;

const asInhibitable = (alert: Alert) => ({ ...alert, ruleId: alert.ruleId as AlertRuleId, subject: { key: alert.subjectKey, label: alert.subjectLabel, replicaId: alert.replicaId } });

/** What mutes open alerts now, as people read it: the silences in force and the open alerts' inhibitions. */
export interface MutingNow {
  /** The silences not over yet (active, or not started). */
  silences: SilencesInForce;
  of(alert: Alert): AlertMuting;
  /** The open alerts the silence mutes now (none unless it is active). */
  mutedBy(silence: Silence): Alert[];
}

/**
 * Reads the silences in force, the open alerts and the services' write
 * primaries, and answers, per alert, the silence and the inhibiting alert
 * that mute it now (the same core functions the evaluator uses).
 */
export async function mutingNow(now = new Date()): Promise<MutingNow> {
  const [silences, open, services] = await Promise.all([
    silencesInForce(now),
    db().alert.findMany({ where: { state: { in: ["pending", "firing"] } }, orderBy: { startedAt: "asc" } }),
    db().service.findMany({ where: { retiredAt: null }, select: { id: true, writeReplicaId: true } }),
  ]);
  const writeReplicas = new Map(services.map((service) => [service.id, service.writeReplicaId]));
  const inhibitable = open.map(asInhibitable);
  const inhibitedBy = new Map(
    [...inhibitions(inhibitable, (serviceId) => writeReplicas.get(serviceId) ?? null)].map(([alert, { by, ruleId }]) => [alert.id, { alert: open[inhibitable.indexOf(by)]!, ruleId }]),
  );
  const silenceOfAlert = (alert: Alert) => silenceOf(silences.silences, { serviceId: alert.serviceId, ruleId: alert.ruleId as AlertRuleId }, silences.labelsOf, now);
  return {
    silences,
    of(alert) {
      if (alert.state === "resolved") return { silencedBy: null, inhibitedBy: null };
      const silence = silenceOfAlert(alert);
      const inhibition = inhibitedBy.get(alert.id);
      return {
        silencedBy: silence && { id: silence.id, reason: silence.reason, createdBy: silence.createdBy, endsAt: silence.endsAt.toISOString() },
        inhibitedBy: inhibition ? { alertId: inhibition.alert.id, ruleId: inhibition.alert.ruleId as AlertRuleId, subject: inhibition.alert.subjectLabel, inhibitionRuleId: inhibition.ruleId } : null,
      };
    },
    mutedBy: (silence) => open.filter((alert) => silenceOf([silence], { serviceId: alert.serviceId, ruleId: alert.ruleId as AlertRuleId }, silences.labelsOf, now) !== null),
  };
}
