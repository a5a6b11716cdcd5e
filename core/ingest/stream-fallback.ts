/**
 * What an agent does with one batch after trying its report stream
 * (agents/report-stream.ts): use the acknowledgement, or send the batch by
 * the batch POST instead, which is always safe because the control plane
 * stores each sequence number once (a batch stored before the stream broke is
 * answered 409 with what it holds, and the agent's queue drops it then).
 */

/** How long an agent whose control plane does not serve streams posts its batches before it tries a stream again. */
export const STREAM_RETRY_MS = 5 * 60_000;

export type StreamOutcome =
  /** The batch's acknowledgement line came. */
  | { kind: "ack"; status: number }
  /** The stream's opening was answered without a stream (an older control plane: 404; a proxy: 405, 426…), with its Retry-After in ms when it said one. */
  | { kind: "refused"; status: number; retryAfterMs?: number }
  /**
   * The stream's opening went unanswered for as long as a request may take. A
   * control plane answers once it has looked the token up; what holds the
   * answer back until the request's body ends (a proxy that buffers request
   * bodies, a server that reads them whole) never answers a stream at all.
   */
  | { kind: "unanswered"; inARow: number }
  /** No stream could be opened, or it broke before the batch's acknowledgement came. */
  | { kind: "broke" }
  /** The stream stayed open but no acknowledgement came in time. */
  | { kind: "silent" };

export type StreamAction =
  /** Answer the batch with what the stream said. */
  | "answer"
  /** Send the batch by POST now; the next batch tries the stream again. */
  | "post"
  /** Send the batch by POST now, and the following ones too for STREAM_RETRY_MS. */
  | "post-for-a-while"
  /** Close the stream and answer the batch as a request that timed out. */
  | "time-out";

export interface StreamRule {
  id: string;
  when: (outcome: StreamOutcome) => boolean;
  action: StreamAction;
  sentence: string;
}

const refusedToken = (outcome: StreamOutcome) => outcome.kind === "refused" && (outcome.status === 401 || outcome.status === 403);

/** First matching row decides; the last row always matches. */
export const STREAM_RULES: readonly StreamRule[] = [
  { id: "acknowledged", when: (outcome) => outcome.kind === "ack", action: "answer", sentence: "The stream acknowledged the batch: its answer decides what the queue drops, as a POST's would." },
  {
    id: "token-refused",
    when: refusedToken,
    action: "answer",
    sentence: "The control plane refused the agent's token when the stream opened; a POST would be refused the same way, so the refusal is the batch's answer.",
  },
  {
    id: "opening-shed",
    when: (outcome) => outcome.kind === "refused" && outcome.status === 503 && outcome.retryAfterMs !== undefined,
    action: "answer",
    sentence:
      "The copy is behind and sheds new streams (503 with a Retry-After): the 503 is the batch's answer, so its reports stay queued while the delivery backs off, and the next opening waits out the Retry-After with jitter; a POST instead would cost the busy copy more than the stream.",
  },
  {
    id: "opening-failed",
    when: (outcome) => outcome.kind === "refused" && (outcome.status >= 500 || outcome.status === 429),
    action: "post",
    sentence: "The control plane could not open the stream just now (its store unreachable, overloaded): the batch goes by POST, whose answer decides whether the agent backs off, and the next batch tries a stream again.",
  },
  {
    id: "stream-not-served",
    when: (outcome) => outcome.kind === "refused",
    action: "post-for-a-while",
    sentence: `The control plane (or a proxy before it) does not serve report streams: batches go by POST, and the stream is tried again after ${STREAM_RETRY_MS / 60_000} minutes.`,
  },
  {
    id: "opening-unanswered-again",
    when: (outcome) => outcome.kind === "unanswered" && outcome.inARow >= 2,
    action: "post-for-a-while",
    sentence: `Two openings in a row went unanswered, as behind a proxy that buffers request bodies: batches go by POST for ${STREAM_RETRY_MS / 60_000} minutes instead of each waiting out an opening first.`,
  },
  {
    id: "opening-unanswered",
    when: (outcome) => outcome.kind === "unanswered",
    action: "post",
    sentence:
      "Nothing answered the stream's opening in time (a copy too busy to accept it, or a proxy that waits for the request's end): the batch goes by POST and the next batch tries a stream again, so a fleet returns to streams once the copy catches up.",
  },
  {
    id: "stream-broke",
    when: (outcome) => outcome.kind === "broke",
    action: "post",
    sentence: "The stream could not be opened or broke before the batch was acknowledged: the batch goes by POST at once (stored once by its sequence numbers whatever happened to it), and the next batch opens a new stream.",
  },
  {
    id: "stream-silent",
    when: () => true,
    action: "time-out",
    sentence: "The stream stayed open but acknowledged nothing in time: it is closed and the batch counts as a request that timed out, so the agent backs off and may move to another copy.",
  },
];

export function streamRule(outcome: StreamOutcome): StreamRule {
  return STREAM_RULES.find((rule) => rule.when(outcome))!;
}
