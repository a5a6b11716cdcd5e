import { STREAM_RETRY_MS, type StreamOutcome, type StreamRule } from "../ingest/stream-fallback";

/**
 * What an agent does after trying to carry a lease renewal on its lease
 * stream (agents/primary-lease/lease-stream-client.ts). A renewal never waits
 * for a stream: while none is open it goes by POST and a stream opens in the
 * background. Sending a renewal twice is harmless, and the keeper counts a
 * grant from when it first sent the renewal, so going by POST after the
 * stream failed never makes a lease last longer than the control plane gave.
 * The outcomes and actions are the report stream's (core/ingest/stream-fallback.ts);
 * what differs is which action each outcome takes.
 */

/** Refusals that say the copy could open a stream another time; any other refusal says it serves none. */
const refusedForNow = (status: number) => status >= 500 || status === 429 || status === 401 || status === 403;

/** First matching row decides; the last row always matches. */
export const LEASE_STREAM_RULES: readonly StreamRule[] = [
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

export function leaseStreamRule(outcome: StreamOutcome): StreamRule {
  return LEASE_STREAM_RULES.find((rule) => rule.when(outcome))!;
}
