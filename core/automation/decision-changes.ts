import type { Decision } from "./decide";

/** A decision as the decider keeps it: held while its rule keeps matching the same subject. */
export interface HeldDecision {
  ruleId: string;
  /** The replica or run it is about; "" when none. */
  subject: string;
  since: Date;
  actedAt: Date | null;
}

export const decisionKey = (decision: { ruleId: string; subject: string | null }) => `${decision.ruleId}:${decision.subject ?? ""}`;

/** What recording one service's decisions changes in what is stored. */
export interface DecisionChanges {
  /** Decisions that start now: stored with `since` = now, not acted on yet. */
  started: Decision[];
  /** Stored decisions whose rule no longer matches their subject. */
  ended: HeldDecision[];
  /** Every current decision as it will be stored, by key: a held one keeps its `since` and whether it was acted on. */
  held: Map<string, HeldDecision>;
}

/**
 * Keeps a service's stored decisions equal to what the rules decide now: one
 * that starts is stored, one that stops is removed, one that holds keeps its
 * `since` and whether it was carried out, so each is carried out once
 * however many passes it lasts.
 */
export function decisionChanges(decisions: readonly Decision[], stored: readonly HeldDecision[], now: Date): DecisionChanges {
  const storedByKey = new Map(stored.map((row) => [decisionKey(row), row]));
  const current = new Set(decisions.map(decisionKey));
  const held = new Map<string, HeldDecision>();
  const started: Decision[] = [];
  for (const decision of decisions) {
    const key = decisionKey(decision);
    if (held.has(key)) continue;
    const previous = storedByKey.get(key);
    if (previous) {
      held.set(key, previous);
      continue;
    }
    started.push(decision);
    held.set(key, { ruleId: decision.ruleId, subject: decision.subject ?? "", since: now, actedAt: null });
  }
  return { started, ended: stored.filter((row) => !current.has(decisionKey(row))), held };
}

/** Whether anything is to be written for these changes. */
export const changesAnything = (changes: DecisionChanges) => changes.started.length > 0 || changes.ended.length > 0;
