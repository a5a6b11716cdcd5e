import { describe, expect, it } from "vitest";
import { axisTicks, runTimeline, type TimelineStepInput } from "./run-timeline";

const T0 = Date.parse("2026-12-05T10:00:00Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const step = (id: string, from: number | null, to: number | null, extra: Partial<TimelineStepInput> = {}): TimelineStepInput => ({
  id,
  title: id,
  kind: "check",
  state: to === null ? "running" : "succeeded",
  attempts: 1,
  startedAt: from === null ? null : at(from),
  finishedAt: to === null ? null : at(to),
  decidedBy: null,
  ...extra,
});

describe("the run timeline", () => {
  it("is null before any step started", () => {
    expect(runTimeline([step("a", null, null)], null, T0)).toBeNull();
  });

  it("places each started step from the first start, leaves out steps not started, and ends an open bar now", () => {
    const timeline = runTimeline([step("a", 0, 400), step("b", 400, 1_900), step("c", 1_900, null), step("d", null, null)], null, T0 + 2_500)!;
    expect(timeline.rows.map((row) => [row.id, row.fromMs, row.toMs, row.open])).toEqual([
      ["a", 0, 400, false],
      ["b", 400, 1_900, false],
      ["c", 1_900, 2_500, true],
    ]);
    expect(timeline.spanMs).toBe(2_500);
    expect(timeline.startedAt).toBe(T0);
  });

  it("labels a person's wait with who answered, and counts retries", () => {
    const timeline = runTimeline([step("confirm", 0, 30_000, { kind: "manual", decidedBy: "ana@example.com" }), step("fence", 30_000, 31_000, { kind: "agent", attempts: 3 })], null, T0)!;
    expect(timeline.rows[0]).toMatchObject({ person: true, answeredBy: "ana@example.com", retries: 0 });
    expect(timeline.rows[1]).toMatchObject({ person: false, answeredBy: null, retries: 2 });
  });

  it("marks the window writes were refused, moving the origin back when it began before the run (a lost primary)", () => {
    const inside = runTimeline([step("a", 0, 5_000)], { from: at(1_000), to: at(3_500) }, T0)!;
    expect(inside.writesRefused).toEqual({ fromMs: 1_000, toMs: 3_500 });
    const before = runTimeline([step("a", 0, 5_000)], { from: at(-2_000), to: at(3_000) }, T0)!;
    expect(before.writesRefused).toEqual({ fromMs: 0, toMs: 5_000 });
    expect(before.rows[0]).toMatchObject({ fromMs: 2_000, toMs: 7_000 });
    expect(before.startedAt).toBe(T0 - 2_000);
    expect(runTimeline([step("a", 0, 5_000)], { from: null, to: null }, T0)!.writesRefused).toBeNull();
  });
});

describe("axis ticks", () => {
  it("are round steps, at most eight past zero, labelled from the start", () => {
    expect(axisTicks(2_500).map((tick) => tick.label)).toEqual(["0 s", "+500 ms", "+1 s", "+1.5 s", "+2 s", "+2.5 s"]);
    expect(axisTicks(60_000).map((tick) => tick.atMs)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    for (const span of [1, 999, 7_777, 123_456, 9_999_999, 86_400_000]) expect(axisTicks(span).length).toBeLessThanOrEqual(9);
  });
});
