import { describe, expect, it } from "vitest";
import { HOUR_ROLLUP_BUCKET_SECONDS, LAG_RANGE_RULES, LAG_RANGES, planLagRange, ROLLUP_BUCKET_SECONDS, type LagStoreState } from "./lag-range";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date("2026-11-26T12:34:56.789Z");
const store: LagStoreState = { rolledUpThrough: new Date("2026-11-26T12:34:41.000Z"), rawRetentionMs: 48 * HOUR, rollupRetentionMs: 30 * DAY, hourRollupRetentionMs: 400 * DAY };

const iso = (segments: { source: string; from: Date; to: Date }[]) => segments.map((s) => ({ source: s.source, from: s.from.toISOString(), to: s.to.toISOString() }));

describe("lag range rules", () => {
  it.each(LAG_RANGES)("%s keeps a series within about 300 points", (range) => {
    const rule = LAG_RANGE_RULES[range];
    const points = rule.durationMs / (rule.bucketSeconds * 1000) + 1;
    expect(points).toBeLessThanOrEqual(361);
    expect(points).toBeGreaterThan(100);
  });

  it("read rollups only with buckets made of whole rollup minutes or hours", () => {
    for (const range of LAG_RANGES) {
      const rule = LAG_RANGE_RULES[range];
      if (rule.source === "rollup") expect(rule.bucketSeconds % ROLLUP_BUCKET_SECONDS).toBe(0);
      if (rule.source === "hour-rollup") expect(rule.bucketSeconds % HOUR_ROLLUP_BUCKET_SECONDS).toBe(0);
    }
  });

  it("read raw samples for short ranges, minute rollups for a day or a week and hour rollups for a month or a quarter", () => {
    expect(LAG_RANGES.map((range) => [range, LAG_RANGE_RULES[range].source, LAG_RANGE_RULES[range].bucketSeconds])).toEqual([
      ["15m", "raw", 5],
      ["1h", "raw", 15],
      ["24h", "rollup", 300],
      ["7d", "rollup", 3600],
      ["30d", "hour-rollup", 7200],
      ["90d", "hour-rollup", 21600],
    ]);
  });
});

describe("planLagRange for raw ranges", () => {
  it("15m reads one raw segment from the bucket boundary before now − 15 min up to now", () => {
    const plan = planLagRange("15m", now, store);
    expect(plan).toMatchObject({ range: "15m", source: "raw", bucketSeconds: 5 });
    expect(plan.from.toISOString()).toBe("2026-11-26T12:19:55.000Z");
    expect(plan.to.toISOString()).toBe(now.toISOString());
    expect(iso(plan.segments)).toEqual([{ source: "raw", from: "2026-11-26T12:19:55.000Z", to: now.toISOString() }]);
  });

  it("1h aligns on 15 s buckets and ignores the rollup cursor", () => {
    const plan = planLagRange("1h", now, { ...store, rolledUpThrough: null });
    expect(plan.from.toISOString()).toBe("2026-11-26T11:34:45.000Z");
    expect(iso(plan.segments)).toEqual([{ source: "raw", from: "2026-11-26T11:34:45.000Z", to: now.toISOString() }]);
  });

  it("start no earlier than raw retention, on a whole bucket", () => {
    const plan = planLagRange("1h", now, { ...store, rawRetentionMs: 30 * 60_000 });
    expect(plan.from.toISOString()).toBe("2026-11-26T11:34:45.000Z");
    expect(iso(plan.segments)).toEqual([{ source: "raw", from: "2026-11-26T12:05:00.000Z", to: now.toISOString() }]);
  });

  it("keep the window when now falls exactly on a bucket boundary", () => {
    const plan = planLagRange("15m", new Date("2026-11-26T12:00:00.000Z"), store);
    expect(plan.from.toISOString()).toBe("2026-11-26T11:45:00.000Z");
    expect(plan.segments).toHaveLength(1);
  });
});

describe("planLagRange for rollup ranges", () => {
  it("24h reads rollups up to the 5-min boundary at or before the cursor, then raw samples for the tail", () => {
    const plan = planLagRange("24h", now, store);
    expect(plan).toMatchObject({ range: "24h", source: "rollup", bucketSeconds: 300 });
    expect(plan.from.toISOString()).toBe("2026-11-25T12:30:00.000Z");
    expect(iso(plan.segments)).toEqual([
      { source: "rollup", from: "2026-11-25T12:30:00.000Z", to: "2026-11-26T12:30:00.000Z" },
      { source: "raw", from: "2026-11-26T12:30:00.000Z", to: now.toISOString() },
    ]);
  });

  it("7d splits on the hour at or before the cursor", () => {
    const plan = planLagRange("7d", now, store);
    expect(plan.from.toISOString()).toBe("2026-11-19T12:00:00.000Z");
    expect(iso(plan.segments)).toEqual([
      { source: "rollup", from: "2026-11-19T12:00:00.000Z", to: "2026-11-26T12:00:00.000Z" },
      { source: "raw", from: "2026-11-26T12:00:00.000Z", to: now.toISOString() },
    ]);
  });

  it("read a cursor on a bucket boundary as rolled up through that boundary", () => {
    const plan = planLagRange("24h", now, { ...store, rolledUpThrough: new Date("2026-11-26T12:25:00.000Z") });
    expect(iso(plan.segments).map((s) => [s.source, s.to])).toEqual([
      ["rollup", "2026-11-26T12:25:00.000Z"],
      ["raw", now.toISOString()],
    ]);
    expect(plan.segments[1]!.from.toISOString()).toBe("2026-11-26T12:25:00.000Z");
  });

  it("read only raw samples (within raw retention) before the rollup job's first run", () => {
    const plan = planLagRange("7d", now, { ...store, rolledUpThrough: null });
    expect(iso(plan.segments)).toEqual([{ source: "raw", from: "2026-11-24T13:00:00.000Z", to: now.toISOString() }]);
  });

  it("read only raw samples when the cursor is older than the window", () => {
    const plan = planLagRange("24h", now, { ...store, rolledUpThrough: new Date("2026-11-20T00:00:00.000Z") });
    expect(iso(plan.segments)).toEqual([{ source: "raw", from: "2026-11-25T12:30:00.000Z", to: now.toISOString() }]);
  });

  it("leave a gap rather than invent data when the rollup job stalled longer than raw retention", () => {
    const plan = planLagRange("7d", now, { ...store, rolledUpThrough: new Date("2026-11-22T08:30:00.000Z") });
    expect(iso(plan.segments)).toEqual([
      { source: "rollup", from: "2026-11-19T12:00:00.000Z", to: "2026-11-22T08:00:00.000Z" },
      { source: "raw", from: "2026-11-24T13:00:00.000Z", to: now.toISOString() },
    ]);
  });

  it("start rollups no earlier than rollup retention, on a whole bucket", () => {
    const plan = planLagRange("7d", now, { ...store, rollupRetentionMs: 3 * DAY });
    expect(plan.segments[0]!.from.toISOString()).toBe("2026-11-23T13:00:00.000Z");
  });

  it("read nothing from rollups when the cursor claims to be ahead of now", () => {
    const plan = planLagRange("24h", now, { ...store, rolledUpThrough: new Date("2026-11-26T13:00:00.000Z") });
    expect(iso(plan.segments)).toEqual([{ source: "rollup", from: "2026-11-25T12:30:00.000Z", to: now.toISOString() }]);
  });

  it("never overlap segments nor split a bucket between them", () => {
    for (const range of LAG_RANGES) {
      for (const offset of [0, 1, 59_999, 60_000, 299_999, 3_599_999, 5 * HOUR, 60 * HOUR]) {
        const plan = planLagRange(range, now, { ...store, rolledUpThrough: new Date(now.getTime() - 10_000 - offset) });
        const bucketMs = plan.bucketSeconds * 1000;
        plan.segments.forEach((s, index) => {
          expect(s.from < s.to).toBe(true);
          expect(s.from >= plan.from && s.to <= plan.to).toBe(true);
          if (index > 0) {
            expect(s.from >= plan.segments[index - 1]!.to).toBe(true);
            expect(s.from.getTime() % bucketMs).toBe(0);
          }
        });
      }
    }
  });
});

describe("planLagRange for hour-rollup ranges", () => {
  it("30d reads one-hour rollups up to the 2-hour boundary at or before the cursor, then raw samples for the tail", () => {
    const plan = planLagRange("30d", now, store);
    expect(plan).toMatchObject({ range: "30d", source: "hour-rollup", bucketSeconds: 7200 });
    expect(plan.from.toISOString()).toBe("2026-10-27T12:00:00.000Z");
    expect(iso(plan.segments)).toEqual([
      { source: "hour-rollup", from: "2026-10-27T12:00:00.000Z", to: "2026-11-26T12:00:00.000Z" },
      { source: "raw", from: "2026-11-26T12:00:00.000Z", to: now.toISOString() },
    ]);
  });

  it("90d splits on the 6-hour boundary and reads never further back than hour-rollup retention", () => {
    const plan = planLagRange("90d", now, { ...store, hourRollupRetentionMs: 45 * DAY });
    expect(plan.from.toISOString()).toBe("2026-08-28T12:00:00.000Z");
    expect(iso(plan.segments)).toEqual([
      { source: "hour-rollup", from: "2026-10-12T18:00:00.000Z", to: "2026-11-26T12:00:00.000Z" },
      { source: "raw", from: "2026-11-26T12:00:00.000Z", to: now.toISOString() },
    ]);
  });

  it("never reads minute rollups, whose retention does not bound a month", () => {
    const plan = planLagRange("30d", now, { ...store, rollupRetentionMs: DAY });
    expect(plan.segments.map((s) => s.source)).toEqual(["hour-rollup", "raw"]);
  });
});
