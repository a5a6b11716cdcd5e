import { decide, type Decision } from "./decide";
import type { AutomationSnapshot } from "./snapshot";

/** A decision as the audit trail recorded it: its rule, subject and sentence, and the snapshot and moment it was judged on. */
export interface RecordedDecision {
  ruleId: string;
  subject: string | null;
  sentence: string;
  decidedAt: Date;
  snapshot: AutomationSnapshot;
}

export interface DecisionReplay {
  /** Whether deciding again on the record gives the recorded rule, subject and sentence. */
  same: boolean;
  /** Every decision the recorded snapshot gives now, the recorded one among them when `same`. */
  replayed: Decision[];
  sentence: string;
}

/**
 * Decides again on exactly what the decider saw, with the same `now`: the
 * decision is pure, so the same rule and sentence must come out. A
 * difference means the rules changed since (an upgrade) or the record is
 * not what the decider wrote.
 */
export function replayDecision(recorded: RecordedDecision): DecisionReplay {
  const replayed = decide(recorded.snapshot, recorded.decidedAt);
  const same = replayed.some((decision) => decision.ruleId === recorded.ruleId && decision.subject === recorded.subject && decision.sentence === recorded.sentence);
  const at = recorded.decidedAt.toISOString();
  if (same) return { same, replayed, sentence: `Decided again on the recorded snapshot as of ${at}: the same rule (${recorded.ruleId}) and sentence.` };
  const found = replayed.map((decision) => decision.ruleId).join(", ") || "no decision";
  return {
    same,
    replayed,
    sentence: `Decided again on the recorded snapshot as of ${at}, the rules give ${found}, not ${recorded.ruleId} as recorded: they have changed since, or the record is not the decider's own.`,
  };
}
