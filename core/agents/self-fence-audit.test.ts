import { describe, expect, it } from "vitest";
import { decideSelfFenceAudit, SELF_FENCE_AUDIT_RULES, type SelfFenceRecord } from "./self-fence-audit";

const PERIOD_MS = 10_000;
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 3, 0, seconds));

/** Feeds reports through the rule as the store would keep its record; answers the events written. */
function replay(reports: [seconds: number, fencedAt: number | null][], start: SelfFenceRecord | null = null) {
  let record = start;
  const events: [string, number][] = [];
  for (const [seconds, fencedAt] of reports) {
    const decision = decideSelfFenceAudit({ known: record, reported: fencedAt === null ? null : at(fencedAt), now: at(seconds), periodMs: PERIOD_MS });
    if (decision.event) events.push([decision.event, decision.unauditedChanges]);
    if (decision.next) record = decision.next;
  }
  return { events, record };
}

describe("self-fence audit events", () => {
  it("are a table whose last row always matches", () => {
    const ids = SELF_FENCE_AUDIT_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(SELF_FENCE_AUDIT_RULES.at(-1)!.when({ known: null, reported: null, now: at(0), periodMs: 1 })).toBe(true);
  });

  it("write a real fence and its end, even a second apart, and nothing while it holds", () => {
    const { events, record } = replay([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, null],
      [4, null],
    ]);
    expect(events).toEqual([
      ["primary_lease.self_fence", 0],
      ["primary_lease.self_unfence", 0],
    ]);
    expect(record).toMatchObject({ fencedAt: null, unauditedChanges: 0 });
  });

  it("hold an agent that varies its fence every request to one fence event a lease period, counting the rest", () => {
    // A new selfFencedAt, or none, on each of 60 requests a second apart.
    const flood = Array.from({ length: 60 }, (_, second): [number, number | null] => [second, second % 2 === 0 ? second : null]);
    const { events, record } = replay(flood);
    const fences = events.filter(([event]) => event === "primary_lease.self_fence");
    expect(fences.length).toBeLessThanOrEqual(60 / (PERIOD_MS / 1000) + 1);
    expect(events.length).toBeLessThanOrEqual(2 * fences.length);
    // Every change is either an event or counted in one (or still waiting in the record).
    const countedInEvents = events.reduce((sum, [, count]) => sum + count, 0);
    expect(events.length + countedInEvents + record!.unauditedChanges).toBe(60);
  });

  it("never let a counted fence's end through on its own", () => {
    const { events } = replay([
      [0, 0],
      [1, null],
      [2, 2],
      [3, null],
    ]);
    expect(events).toEqual([
      ["primary_lease.self_fence", 0],
      ["primary_lease.self_unfence", 0],
    ]);
  });

  it("say, a period later, where the counted changes left the fence", () => {
    const fenced = replay([
      [0, 0],
      [1, null],
      [2, 2],
      [11, 2],
    ]);
    expect(fenced.events.at(-1)).toEqual(["primary_lease.self_fence", 1]);
    expect(fenced.record).toMatchObject({ fencedAt: at(2), fenceAudited: true, unauditedChanges: 0, fenceAuditedAt: at(11) });
    // Its end is then written as the end of a written fence.
    expect(replay([[12, null]], fenced.record).events).toEqual([["primary_lease.self_unfence", 0]]);

    const unfenced = replay([
      [0, 0],
      [1, null],
      [2, 2],
      [3, null],
      [10, null],
    ]);
    expect(unfenced.events.at(-1)).toEqual(["primary_lease.self_unfence", 2]);
    expect(unfenced.record).toMatchObject({ fencedAt: null, unauditedChanges: 0 });
  });

  it("write nothing, and store nothing, for a report that changes nothing", () => {
    expect(decideSelfFenceAudit({ known: null, reported: null, now: at(0), periodMs: PERIOD_MS })).toMatchObject({ rule: "unchanged", event: null, next: null });
    const record: SelfFenceRecord = { fencedAt: at(0), fenceAuditedAt: at(0), fenceAudited: true, unauditedChanges: 0 };
    expect(decideSelfFenceAudit({ known: record, reported: at(0), now: at(100), periodMs: PERIOD_MS })).toMatchObject({ rule: "unchanged", next: null });
  });
});
