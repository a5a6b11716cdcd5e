import { describe, expect, it } from "vitest";
import { STREAM_RULES, streamRule, type StreamOutcome } from "./stream-fallback";

describe("the stream fallback table", () => {
  it("declares each rule once with one sentence, ending in one that always matches", () => {
    const ids = STREAM_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of STREAM_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(STREAM_RULES.at(-1)!.when({ kind: "ack", status: 200 })).toBe(true);
  });

  it("decides every outcome an agent can meet", () => {
    const cases: [StreamOutcome, string, string][] = [
      [{ kind: "ack", status: 200 }, "acknowledged", "answer"],
      [{ kind: "ack", status: 409 }, "acknowledged", "answer"],
      [{ kind: "ack", status: 400 }, "acknowledged", "answer"],
      [{ kind: "refused", status: 401 }, "token-refused", "answer"],
      [{ kind: "refused", status: 403 }, "token-refused", "answer"],
      [{ kind: "refused", status: 404 }, "stream-not-served", "post-for-a-while"],
      [{ kind: "refused", status: 405 }, "stream-not-served", "post-for-a-while"],
      [{ kind: "refused", status: 503 }, "opening-failed", "post"],
      [{ kind: "refused", status: 503, retryAfterMs: 4_000 }, "opening-shed", "answer"],
      [{ kind: "refused", status: 502, retryAfterMs: 4_000 }, "opening-failed", "post"],
      [{ kind: "refused", status: 429 }, "opening-failed", "post"],
      [{ kind: "refused", status: 426 }, "stream-not-served", "post-for-a-while"],
      [{ kind: "unanswered", inARow: 1 }, "opening-unanswered", "post"],
      [{ kind: "unanswered", inARow: 2 }, "opening-unanswered-again", "post-for-a-while"],
      [{ kind: "unanswered", inARow: 5 }, "opening-unanswered-again", "post-for-a-while"],
      [{ kind: "broke" }, "stream-broke", "post"],
      [{ kind: "silent" }, "stream-silent", "time-out"],
    ];
    for (const [outcome, id, action] of cases) expect([outcome, streamRule(outcome).id, streamRule(outcome).action]).toEqual([outcome, id, action]);
  });
});
