import type { AlertRuleId, AlertSubject, Detection } from "./alert-rules";

/** An alert that has not resolved, as stored. */
export interface OpenAlert {
  id: string;
  ruleId: AlertRuleId;
  subjectKey: string;
  serviceId: string;
  state: "pending" | "firing";
  sentence: string;
  /** When the condition was first seen holding in this unbroken run. */
  startedAt: Date;
  /** The last evaluation that saw it holding. */
  lastSeenAt: Date;
}

export type AlertChange =
  | { kind: "open"; ruleId: AlertRuleId; serviceId: string; subject: AlertSubject; sentence: string; state: "pending" | "firing"; at: Date }
  | { kind: "restart"; alertId: string; sentence: string; at: Date }
  | { kind: "hold"; alertId: string; sentence: string; at: Date }
  | { kind: "fire"; alertId: string; sentence: string; at: Date }
  | { kind: "resolve"; alertId: string; wasFiring: boolean; at: Date };

export interface WindowSettings {
  /** The policy's `alerts.forSeconds` for the service. */
  forSeconds(serviceId: string): number;
  /**
   * A gap between evaluations longer than this (the control plane was down,
   * or lost its lease) breaks the run: nobody knows whether the condition
   * held meanwhile, so a pending alert starts its window again.
   */
  maxGapMs: number;
}

const keyOf = (ruleId: string, subjectKey: string) => `${ruleId}\u0000${subjectKey}`;

/**
 * One evaluation's effect on the alerts: a condition that starts holding
 * opens a pending alert (firing at once when the window is 0); one that has
 * held for the policy's `for` window fires; one that clears resolves its
 * alert, so a blip shorter than the window never fires and never pages. Pure:
 * the caller stores the changes.
 */
export function advanceAlerts(open: readonly OpenAlert[], detections: readonly Detection[], now: Date, settings: WindowSettings): AlertChange[] {
  const changes: AlertChange[] = [];
  const current = new Map(detections.map((detection) => [keyOf(detection.ruleId, detection.subject.key), detection]));
  const seen = new Set<string>();

  for (const alert of open) {
    const key = keyOf(alert.ruleId, alert.subjectKey);
    const detection = current.get(key);
    seen.add(key);
    if (!detection) {
      changes.push({ kind: "resolve", alertId: alert.id, wasFiring: alert.state === "firing", at: now });
      continue;
    }
    const windowMs = settings.forSeconds(alert.serviceId) * 1000;
    if (alert.state === "firing") {
      changes.push({ kind: "hold", alertId: alert.id, sentence: detection.sentence, at: now });
    } else if (now.getTime() - alert.lastSeenAt.getTime() > settings.maxGapMs) {
      changes.push(windowMs === 0 ? { kind: "fire", alertId: alert.id, sentence: detection.sentence, at: now } : { kind: "restart", alertId: alert.id, sentence: detection.sentence, at: now });
    } else if (now.getTime() - alert.startedAt.getTime() >= windowMs) {
      changes.push({ kind: "fire", alertId: alert.id, sentence: detection.sentence, at: now });
    } else {
      changes.push({ kind: "hold", alertId: alert.id, sentence: detection.sentence, at: now });
    }
  }

  for (const [key, detection] of current) {
    if (seen.has(key)) continue;
    const state = settings.forSeconds(detection.serviceId) === 0 ? "firing" : "pending";
    changes.push({ kind: "open", ruleId: detection.ruleId, serviceId: detection.serviceId, subject: detection.subject, sentence: detection.sentence, state, at: now });
  }
  return changes;
}
