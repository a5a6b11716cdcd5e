/**
 * When an agent may open its next report stream (agents/report-stream.ts).
 * A fleet that opens its streams in the same second — agents started
 * together, or every stream of a copy cut at once when it restarts or dies —
 * asks one copy for thousands of openings at once, and an opening that waits
 * for a copy's CPU makes every report behind it older. So openings are
 * spread: the first over one report interval, every one after a failure over
 * a window that doubles with each failure in a row (full jitter: anywhere in
 * the window), and the replacement of a stream at the end of its life over
 * the last quarter of that life. A batch that finds the next opening not yet
 * due waits for it; its reports stay in the agent's on-disk queue meanwhile.
 */

/** The longest window an opening after failures is spread over: a copy that came back hears from its whole fleet within it. */
export const MAX_REOPENING_WINDOW_MS = 8_000;

/** A stream is replaced after between 3/4 and all of its lifetime, so streams opened together are not all replaced together. */
export const LIFETIME_SPREAD = 0.25;

export type OpeningCause =
  /** The agent has not opened a stream yet. */
  | { kind: "first" }
  /** The last stream reached its lifetime and was ended between two batches. */
  | { kind: "replaced" }
  /** The last opening was refused or unanswered, or the stream broke or went silent; `inARow` counts such failures. */
  | { kind: "failed"; inARow: number }
  /** The copy shed the last opening, saying when to come back (core/ingest/stream-shedding.ts). */
  | { kind: "shed"; retryAfterMs: number };

export interface OpeningRule {
  id: string;
  when: (cause: OpeningCause) => boolean;
  /** The window the opening is spread over, from `earliestMs` after the moment the cause was met. */
  windowMs: (cause: OpeningCause, intervalMs: number) => number;
  earliestMs?: (cause: OpeningCause) => number;
  sentence: string;
}

/** First matching row decides; the last row always matches. */
export const OPENING_RULES: readonly OpeningRule[] = [
  {
    id: "first-opening-spread",
    when: (cause) => cause.kind === "first",
    windowMs: (_, intervalMs) => intervalMs,
    sentence: "An agent's first stream opens at a random moment within one report interval, so a fleet started together reaches its copy spread over that interval.",
  },
  {
    id: "replacement-at-once",
    when: (cause) => cause.kind === "replaced",
    windowMs: () => 0,
    sentence: `A stream that reached its lifetime is replaced at once: the lifetime itself is spread over its last ${LIFETIME_SPREAD * 100} %, so a fleet's replacements are already apart.`,
  },
  {
    id: "shed-waits-retry-after",
    when: (cause) => cause.kind === "shed",
    earliestMs: (cause) => (cause.kind === "shed" ? cause.retryAfterMs : 0),
    windowMs: (cause) => (cause.kind === "shed" ? cause.retryAfterMs : 0),
    sentence: "After a copy shed the opening, the next one waits its Retry-After and a random time within as long again, so the shed agents come back spread, once the copy has caught up.",
  },
  {
    id: "reopening-backs-off",
    when: () => true,
    windowMs: (cause, intervalMs) => Math.min(MAX_REOPENING_WINDOW_MS, intervalMs * 2 ** Math.min(16, cause.kind === "failed" ? cause.inARow - 1 : 0)),
    sentence: `After a refused, unanswered, broken or silent stream the next opening waits a random time within one interval, doubled for each failure in a row up to ${MAX_REOPENING_WINDOW_MS / 1000} s, so a copy that restarts or sheds its streams is not met by them all at once.`,
  },
];

export function openingRule(cause: OpeningCause): OpeningRule {
  return OPENING_RULES.find((rule) => rule.when(cause))!;
}

/** How long after `cause` the next opening is due; `random` in [0, 1). */
export function openingDelayMs(cause: OpeningCause, intervalMs: number, random: () => number): number {
  const rule = openingRule(cause);
  return (rule.earliestMs?.(cause) ?? 0) + Math.floor(rule.windowMs(cause, intervalMs) * random());
}

/** How long one stream is kept before it is replaced (between two batches); `random` in [0, 1). */
export function streamLifetimeMs(lifetimeMs: number, random: () => number): number {
  return Math.floor(lifetimeMs * (1 - LIFETIME_SPREAD * random()));
}
