import type { InPlaceRestartState } from "./in-place-restart";

/**
 * Which audit events an agent's report of an in-place restart writes, from
 * what the store already knew of that attempt: each attempt's start once,
 * its outcome once, and a decision to leave the crash to the failover once.
 * An attempt whose start the control plane never heard (its reports were
 * batched) gets both events at once. An ended attempt never changes again.
 */
/**
 * New attempts the control plane takes from one replica's agent within a
 * window: a real agent stops at its crash-loop limit, but a stolen token
 * could report a new attempt in every report, each written to the audit
 * chain (and each holding off a failover). Attempts beyond it are neither
 * stored nor audited.
 */
export const IN_PLACE_RESTART_ATTEMPTS_LIMIT = { attempts: 12, withinMs: 10 * 60_000 } as const;

export type InPlaceRestartEvent = "restart_in_place.start" | "restart_in_place.finish" | "restart_in_place.give_up";

export interface InPlaceRestartAuditRule {
  id: string;
  when: (known: InPlaceRestartState | null, reported: InPlaceRestartState, recentAttempts: number) => boolean;
  events: readonly InPlaceRestartEvent[];
  /** Whether the stored attempt takes the reported state. */
  store: boolean;
  sentence: string;
}

const ended = (state: InPlaceRestartState | null) => state === "restarted" || state === "failed" || state === "given-up";

/** First match wins; ids are stable. */
export const IN_PLACE_RESTART_AUDIT_RULES: readonly InPlaceRestartAuditRule[] = [
  { id: "attempt-ended", when: (known) => ended(known), events: [], store: false, sentence: "The attempt ended and was audited: nothing an agent says later changes it." },
  {
    id: "too-many-attempts",
    when: (known, _reported, recentAttempts) => known === null && recentAttempts >= IN_PLACE_RESTART_ATTEMPTS_LIMIT.attempts,
    events: [],
    store: false,
    sentence: "The replica's agent reported more new attempts within the window than any crash-loop limit allows: this one is neither stored nor audited.",
  },
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

/** `recentAttempts`: the attempts of the replica stored within IN_PLACE_RESTART_ATTEMPTS_LIMIT's window. */
export function decideInPlaceRestartAudit(known: InPlaceRestartState | null, reported: InPlaceRestartState, recentAttempts: number): InPlaceRestartAuditRule {
  return IN_PLACE_RESTART_AUDIT_RULES.find((rule) => rule.when(known, reported, recentAttempts))!;
}
