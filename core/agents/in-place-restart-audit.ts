import type { InPlaceRestartState } from "./in-place-restart";

/**
 * Which audit events an agent's report of an in-place restart writes, from
 * what the store already knew of that attempt: each attempt's start once,
 * its outcome once, and a decision to leave the crash to the failover once.
 * An attempt whose start the control plane never heard (its reports were
 * batched) gets both events at once. An ended attempt never changes again.
 */
export type InPlaceRestartEvent = "restart_in_place.start" | "restart_in_place.finish" | "restart_in_place.give_up";

export interface InPlaceRestartAuditRule {
  id: string;
  when: (known: InPlaceRestartState | null, reported: InPlaceRestartState) => boolean;
  events: readonly InPlaceRestartEvent[];
  /** Whether the stored attempt takes the reported state. */
  store: boolean;
  sentence: string;
}

const ended = (state: InPlaceRestartState | null) => state === "restarted" || state === "failed" || state === "given-up";

/** First match wins; ids are stable. */
export const IN_PLACE_RESTART_AUDIT_RULES: readonly InPlaceRestartAuditRule[] = [
  { id: "attempt-ended", when: (known) => ended(known), events: [], store: false, sentence: "The attempt ended and was audited: nothing an agent says later changes it." },
  { id: "unchanged", when: (known, reported) => known === reported, events: [], store: false, sentence: "Nothing new about the attempt." },
  { id: "given-up", when: (known, reported) => known === null && reported === "given-up", events: ["restart_in_place.give_up"], store: true, sentence: "The agent left the crash to the failover: audit why." },
  { id: "started", when: (known, reported) => known === null && reported === "restarting", events: ["restart_in_place.start"], store: true, sentence: "An attempt began: audit its start." },
  {
    id: "started-and-ended",
    when: (known) => known === null,
    events: ["restart_in_place.start", "restart_in_place.finish"],
    store: true,
    sentence: "An attempt whose start was never heard ended: audit its start and its outcome.",
  },
  { id: "ended", when: () => true, events: ["restart_in_place.finish"], store: true, sentence: "An attempt under way ended: audit its outcome." },
];

export function decideInPlaceRestartAudit(known: InPlaceRestartState | null, reported: InPlaceRestartState): InPlaceRestartAuditRule {
  return IN_PLACE_RESTART_AUDIT_RULES.find((rule) => rule.when(known, reported))!;
}
