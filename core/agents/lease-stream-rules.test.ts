import { describe, expect, it } from "vitest";
import type { StreamOutcome } from "../ingest/stream-fallback";
import { LEASE_STREAM_RULES, leaseStreamRule } from "./lease-stream-rules";

describe("the lease stream's rules", () => {
  it("declares each rule once with one sentence, ending in one that always matches", () => {
    const ids = LEASE_STREAM_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of LEASE_STREAM_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(LEASE_STREAM_RULES.at(-1)!.when({ kind: "ack", status: 200 })).toBe(true);
  });

  it("decides every outcome a renewal can meet", () => {
    const cases: [StreamOutcome, string, string][] = [
      [{ kind: "ack", status: 200 }, "lease-acknowledged", "answer"],
      [{ kind: "refused", status: 404 }, "lease-stream-not-served", "post-for-a-while"],
      [{ kind: "refused", status: 405 }, "lease-stream-not-served", "post-for-a-while"],
      [{ kind: "refused", status: 426 }, "lease-stream-not-served", "post-for-a-while"],
      [{ kind: "refused", status: 401 }, "lease-opening-failed", "post"],
      [{ kind: "refused", status: 503 }, "lease-opening-failed", "post"],
      [{ kind: "refused", status: 429 }, "lease-opening-failed", "post"],
      [{ kind: "unanswered", inARow: 1 }, "lease-opening-unanswered", "post"],
      [{ kind: "unanswered", inARow: 2 }, "lease-opening-unanswered-again", "post-for-a-while"],
      [{ kind: "broke" }, "lease-stream-broke", "post"],
      [{ kind: "silent" }, "lease-stream-silent", "time-out"],
    ];
    for (const [outcome, id, action] of cases) expect([outcome, leaseStreamRule(outcome).id, leaseStreamRule(outcome).action]).toEqual([outcome, id, action]);
  });
});
