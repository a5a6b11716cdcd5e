/**
 * Whether a control-plane copy opens an agent's report stream now, or sheds
 * the opening (server/ingest/report-stream.ts). A copy whose group commit has
 * fallen behind spends every opening's TCP connection, token check and first
 * batch on work it cannot keep up with, while its open streams' batches wait
 * longer still: at a load of 12–20 such a copy collapsed (BENCHMARKS.md), its
 * agents' streams silent for their timeout, reopened, their batches dropped
 * before their turn. A shed opening is answered at once, before its token is
 * looked up, with 503 and a Retry-After the agent honours with jitter
 * (core/ingest/stream-fallback.ts "opening-shed"), its reports kept in its
 * on-disk queue meanwhile; streams already open are served as before.
 */

/** How long the oldest batch waiting for (or in) this copy's group statement may have waited before new openings are shed: well below an agent's 10 s acknowledgement timeout, well above a healthy copy's 100 ms window. */
export const SHED_BEHIND_MS = 3_000;

/** The least and the most a shed opening is told to wait before it tries again (Retry-After, whole seconds). */
export const MIN_RETRY_AFTER_S = 2;
export const MAX_RETRY_AFTER_S = 30;

export interface IngestBacklog {
  /** How long the oldest batch this copy has not stored yet has waited, in ms (0 when none waits). */
  behindMs: number;
}

export interface SheddingRule {
  id: string;
  shed: boolean;
  when: (backlog: IngestBacklog) => boolean;
  sentence: string;
}

/** First matching row decides; the last row always matches. */
export const SHEDDING_RULES: readonly SheddingRule[] = [
  {
    id: "group-commit-behind",
    shed: true,
    when: (backlog) => backlog.behindMs > SHED_BEHIND_MS,
    sentence: `The copy's oldest unstored batch has waited more than ${SHED_BEHIND_MS / 1000} s: a new stream is refused at once with 503 and a Retry-After, so the copy spends itself on the streams it holds.`,
  },
  {
    id: "keeping-up",
    shed: false,
    when: () => true,
    sentence: "The copy stores its batches within a few seconds: the stream opens.",
  },
];

export function sheddingRule(backlog: IngestBacklog): SheddingRule {
  return SHEDDING_RULES.find((rule) => rule.when(backlog))!;
}

/** The Retry-After of a shed opening, in whole seconds: twice as long as the copy is behind, so it has caught up before its shed agents come back, within bounds. */
export function retryAfterSeconds(backlog: IngestBacklog): number {
  return Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, Math.ceil((2 * backlog.behindMs) / 1000)));
}
