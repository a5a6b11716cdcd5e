import { STREAM_RETRY_MS } from "../ingest/stream-fallback";

/**
 * What an agent does after trying to carry a lease renewal on its lease
 * stream (agents/primary-lease/lease-stream-client.ts). A renewal never waits
 * for a stream: while none is open it goes by POST and a stream opens in the
 * background. Sending a renewal twice is harmless, and the keeper counts a
 * grant from when it first sent the renewal, so going by POST after the
 * stream failed never makes a lease last longer than the control plane gave.
 */

export type LeaseStreamOutcome =
  /** The renewal's acknowledgement line came. */
  | { kind: "ack" }
  /** The stream's opening was answered without a stream (an older control plane or no direct lane: 404; a proxy: 405, 426…; a copy that cannot now: 5xx). */
  | { kind: "refused"; status: number }
  /** The stream's opening went unanswered for as long as a renewal may take (a copy too busy, or a proxy that buffers request bodies); `inARow` counts them. */
  | { kind: "unanswered"; inARow: number }
  /** No stream could be opened, or it broke before the renewal's acknowledgement came. */
  | { kind: "broke" }
  /** The stream stayed open but no acknowledgement came within the renewal's time. */
  | { kind: "silent" };

export type LeaseStreamAction =
  /** Answer the renewal with what the stream said. */
  | "answer"
  /** Renewals go by POST; a stream is opened again after the back-off (core/ingest/stream-opening.ts). */
  | "post"
  /** Renewals go by POST for STREAM_RETRY_MS before a stream is tried again. */
  | "post-for-a-while"
  /** Close the stream and fail the renewal as a request that timed out. */
  | "time-out";

export interface LeaseStreamRule {
  id: string;
  when: (outcome: LeaseStreamOutcome) => boolean;
  action: LeaseStreamAction;
  sentence: string;
}

/** Refusals that say the copy could open a stream another time; any other refusal says it serves none. */
const refusedForNow = (status: number) => status >= 500 || status === 429 || status === 401 || status === 403;

/** First matching row decides; the last row always matches. */
export const LEASE_STREAM_RULES: readonly LeaseStreamRule[] = [
  { id: "lease-acknowledged", when: (outcome) => outcome.kind === "ack", action: "answer", sentence: "The lease stream acknowledged the renewal: its answer is the renewal's, exactly as the POST's would be." },
  {
    id: "lease-opening-failed",
    when: (outcome) => outcome.kind === "refused" && refusedForNow(outcome.status),
    action: "post",
    sentence: "The copy refused to open a lease stream just now (its store unreachable, overloaded, or the token refused): renewals go by POST, whose answers the keeper judges, and the stream is tried again after a back-off.",
  },
  {
    id: "lease-stream-not-served",
    when: (outcome) => outcome.kind === "refused",
    action: "post-for-a-while",
    sentence: `The control plane (or a proxy before it) does not serve lease streams: renewals go by POST, and the stream is tried again after ${STREAM_RETRY_MS / 60_000} minutes.`,
  },
  {
    id: "lease-opening-unanswered-again",
    when: (outcome) => outcome.kind === "unanswered" && outcome.inARow >= 2,
    action: "post-for-a-while",
    sentence: `Two lease-stream openings in a row went unanswered, as behind a proxy that buffers request bodies: renewals go by POST for ${STREAM_RETRY_MS / 60_000} minutes.`,
  },
  {
    id: "lease-opening-unanswered",
    when: (outcome) => outcome.kind === "unanswered",
    action: "post",
    sentence: "Nothing answered the lease stream's opening in time: renewals go by POST, and the stream is tried again after a back-off.",
  },
  {
    id: "lease-stream-broke",
    when: (outcome) => outcome.kind === "broke",
    action: "post",
    sentence: "The lease stream could not be opened or broke before the renewal was acknowledged: the renewal goes by POST at once (renewing twice is harmless), and a new stream opens after a back-off.",
  },
  {
    id: "lease-stream-silent",
    when: () => true,
    action: "time-out",
    sentence:
      "The lease stream stayed open but acknowledged nothing within the renewal's time: it is closed, since a late acknowledgement could no longer be matched to its renewal, and the renewal fails as a POST that timed out would.",
  },
];

export function leaseStreamRule(outcome: LeaseStreamOutcome): LeaseStreamRule {
  return LEASE_STREAM_RULES.find((rule) => rule.when(outcome))!;
}
