import type { AlertRuleId, AlertSubject, Detection } from "./alert-rules";

/** An alert that has not resolved, as stored. */
export interface OpenAlert {
  id: string;
  ruleId: AlertRuleId;
  subjectKey: string;
  serviceId: string | null;
  state: "pending" | "firing";
  sentence: string;
  /** When the condition was first seen holding in this unbroken run. */
  startedAt: Date;
  /** The last evaluation that saw it holding. */
  lastSeenAt: Date;
  /** What muted it when it was raised (a maintenance window, a silence, an inhibiting alert), while nobody has been notified of it; see `advanceAlerts`. */
  maintenance: string | null;
}

/**
 * `maintenance` on a change is what the alert is marked with from then on:
 * what mutes it (a maintenance window in force, a silence, an inhibiting
 * alert: described), or null. A firing or resolution of an alert so marked
 * is recorded and audited but sent to no webhook.
 */
export type AlertChange =
  | { kind: "open"; ruleId: AlertRuleId; serviceId: string | null; subject: AlertSubject; sentence: string; state: "pending" | "firing"; maintenance: string | null; at: Date }
  | { kind: "restart"; alertId: string; sentence: string; maintenance: string | null; at: Date }
  | { kind: "hold"; alertId: string; sentence: string; maintenance: string | null; at: Date }
  | { kind: "fire"; alertId: string; sentence: string; maintenance: string | null; at: Date }
  /** A firing alert raised in a maintenance window that has ended while it still holds: people hear of it now. */
  | { kind: "release"; alertId: string; sentence: string; maintenance: null; at: Date }
  | { kind: "resolve"; alertId: string; wasFiring: boolean; maintenance: string | null; at: Date };

/** What is muted: an open alert, or a condition about to open one. */
export interface MuteSubject {
  serviceId: string | null;
  ruleId: AlertRuleId;
  subjectKey: string;
}

export interface WindowSettings {
  /** The policy's `alerts.forSeconds` for the service (null: an alert about no service). */
  forSeconds(serviceId: string | null): number;
  /**
   * What mutes the alert at `now`, described (core/alerts/mutes.ts: the
   * service's maintenance window, a silence, an inhibiting alert); null when
   * nothing does.
   */
  muted(alert: MuteSubject, now: Date): string | null;
  /**
   * A gap between evaluations longer than this (the control plane was down,
   * or lost its lease) breaks the run: nobody knows whether the condition
   * held meanwhile, so a pending alert starts its window again.
   */
  maxGapMs: number;
}

// A subject is named within its service (two services' decisions can both be `automation:failover-paused`): the service is part of the key.
const keyOf = (serviceId: string | null, ruleId: string, subjectKey: string) => `${serviceId ?? ""}\u0000${ruleId}\u0000${subjectKey}`;

/**
 * One evaluation's effect on the alerts: a condition that starts holding
 * opens a pending alert (firing at once when the window is 0); one that has
 * held for the policy's `for` window fires; one that clears resolves its
 * alert, so a blip shorter than the window never fires and never pages.
 *
 * An alert that opens or fires while muted (a maintenance window of its
 * service is in force, a silence matches it, another alert inhibits it) is
 * marked with what mutes it, and people are not paged for it: someone is
 * working on the service, or already hears of the cause. A firing alert keeps
 * its mark as long as something mutes it and it holds; if it still holds
 * when nothing does any more, it is released (announced then), as a silence
 * that expires lets its alerts through. An alert already announced before a window keeps being announced,
 * its resolution included, so nobody is left with an incident that never
 * closes. Pure: the caller stores the changes.
 */
export function advanceAlerts(open: readonly OpenAlert[], detections: readonly Detection[], now: Date, settings: WindowSettings): AlertChange[] {
  const changes: AlertChange[] = [];
  const current = new Map(detections.map((detection) => [keyOf(detection.serviceId, detection.ruleId, detection.subject.key), detection]));
  const seen = new Set<string>();

  for (const alert of open) {
    const key = keyOf(alert.serviceId, alert.ruleId, alert.subjectKey);
    const detection = current.get(key);
    seen.add(key);
    if (!detection) {
      changes.push({ kind: "resolve", alertId: alert.id, wasFiring: alert.state === "firing", maintenance: alert.maintenance, at: now });
      continue;
    }
    const windowMs = settings.forSeconds(alert.serviceId) * 1000;
    const maintenance = settings.muted(alert, now);
    const { sentence } = detection;
    if (alert.state === "firing") {
      if (alert.maintenance === null) changes.push({ kind: "hold", alertId: alert.id, sentence, maintenance: null, at: now });
      else if (maintenance === null) changes.push({ kind: "release", alertId: alert.id, sentence, maintenance: null, at: now });
      else changes.push({ kind: "hold", alertId: alert.id, sentence, maintenance, at: now });
    } else if (now.getTime() - alert.lastSeenAt.getTime() > settings.maxGapMs) {
      changes.push({ kind: windowMs === 0 ? "fire" : "restart", alertId: alert.id, sentence, maintenance, at: now });
    } else if (now.getTime() - alert.startedAt.getTime() >= windowMs) {
      changes.push({ kind: "fire", alertId: alert.id, sentence, maintenance, at: now });
    } else {
      changes.push({ kind: "hold", alertId: alert.id, sentence, maintenance, at: now });
    }
  }

  for (const [key, detection] of current) {
    if (seen.has(key)) continue;
    const state = settings.forSeconds(detection.serviceId) === 0 ? "firing" : "pending";
    const maintenance = settings.muted({ serviceId: detection.serviceId, ruleId: detection.ruleId, subjectKey: detection.subject.key }, now);
    changes.push({ kind: "open", ruleId: detection.ruleId, serviceId: detection.serviceId, subject: detection.subject, sentence: detection.sentence, state, maintenance, at: now });
  }
  return changes;
}
