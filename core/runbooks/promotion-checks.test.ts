import { describe, expect, it } from "vitest";
import { crossCheckPromotion, PROMOTION_CHECKS, TARGET_FLUSH_WITNESSES, type PromotionEvidence, type ReportedPositions } from "./promotion-checks";

const T0 = new Date("2026-12-01T10:00:00.000Z");
const T1 = new Date("2026-12-01T10:00:05.000Z");

const report = (replica: string, fields: Partial<ReportedPositions> = {}): ReportedPositions => ({
  replica,
  receivedAt: T0,
  timeline: 1,
  currentLsn: null,
  receivedLsn: null,
  replayedLsn: null,
  ...fields,
});

/** A planned switchover that agrees everywhere: fenced at 5000, the target caught up and seen so by the primary. */
function agreeing(): PromotionEvidence {
  return {
    primary: "pg-us-east-1",
    target: "pg-eu-west-1",
    targetReport: { ...report("pg-eu-west-1", { receivedAt: T1, receivedLsn: 5000n, replayedLsn: 5000n }), streamingTimeline: 1 },
    primaryServing: { ...report("pg-us-east-1", { receivedAt: T1, currentLsn: 5000n }), listsTarget: true, targetFlush: { lsn: 5000n, witness: "primary-replication-view" } },
    fence: {
      finalLsn: 5000n,
      before: [
        report("pg-us-east-1", { currentLsn: 4900n }),
        report("pg-eu-west-1", { receivedLsn: 4900n, replayedLsn: 4800n }),
        report("pg-europe-west3", { receivedLsn: 4000n, replayedLsn: 4000n }),
      ],
    },
  };
}

const withFenceBefore = (evidence: PromotionEvidence, replica: string, fields: Partial<ReportedPositions>): PromotionEvidence => ({
  ...evidence,
  fence: { ...evidence.fence!, before: evidence.fence!.before.map((entry) => (entry.replica === replica ? { ...entry, ...fields } : entry)) },
});

describe("cross-checking a promotion", () => {
  it("promotes when every report agrees, with each check's sentence as the proof", () => {
    expect(crossCheckPromotion(agreeing())).toEqual({
      promote: true,
      proof: [
        { check: "fence-covers-primary-report", sentence: "the fence's final position 5000 ≥ the write position 4900 in pg-us-east-1's report of 2026-12-01T10:00:00.000Z, before the fence" },
        { check: "fence-covers-standby-reports", sentence: "before the fence no standby on timeline 1 was beyond 5000 (pg-eu-west-1 at 4900, pg-europe-west3 at 4000)" },
        { check: "target-on-primary-timeline", sentence: "pg-eu-west-1 streams timeline 1, the one pg-us-east-1 wrote on" },
        { check: "target-replayed-fenced-lsn", sentence: "pg-eu-west-1 replayed 5000 ≥ the fenced primary's final 5000 (pg-eu-west-1's report of 2026-12-01T10:00:05.000Z)" },
        {
          check: "primary-saw-target-flush",
          sentence: "pg-us-east-1's report of 2026-12-01T10:00:05.000Z has pg-eu-west-1 flushed to 5000 ≥ 5000, by the primary server's account of its replicas",
        },
        {
          check: "target-holds-what-primary-saw",
          sentence: "pg-eu-west-1's report of 2026-12-01T10:00:05.000Z has 5000, not behind the 5000 pg-us-east-1 saw it flush (pg-us-east-1's report of 2026-12-01T10:00:05.000Z)",
        },
      ],
    });
  });

  it("refuses a fence whose final position is behind the primary's own earlier write position, naming both and their sources", () => {
    expect(crossCheckPromotion({ ...agreeing(), fence: { ...agreeing().fence!, finalLsn: 3000n } })).toMatchObject({
      promote: false,
      waiting: false,
      check: "fence-covers-primary-report",
      sentence: "the fence of pg-us-east-1 reported its final position as 3000, behind the write position 4900 in pg-us-east-1's report of 2026-12-01T10:00:00.000Z, before the fence",
    });
  });

  it("refuses a fence nothing from before it corroborates", () => {
    const evidence = withFenceBefore(agreeing(), "pg-us-east-1", { currentLsn: null });
    expect(crossCheckPromotion(evidence)).toMatchObject({
      check: "fence-covers-primary-report",
      sentence: "nothing corroborates the fence's final position 5000: pg-us-east-1 reported no write position before it was fenced",
    });
    expect(crossCheckPromotion({ ...agreeing(), fence: { ...agreeing().fence!, before: [] } })).toMatchObject({ check: "fence-covers-primary-report", waiting: false });
  });

  it("refuses a fence behind what a standby on the primary's timeline had received before it, and ignores standbys of another history", () => {
    const ahead = withFenceBefore(agreeing(), "pg-europe-west3", { receivedLsn: 6000n });
    expect(crossCheckPromotion(ahead)).toMatchObject({
      promote: false,
      check: "fence-covers-standby-reports",
      sentence: "pg-europe-west3's report of 2026-12-01T10:00:00.000Z, before the fence, has it at 6000, beyond the final position 5000 the fence of pg-us-east-1 reported",
    });
    expect(crossCheckPromotion(withFenceBefore(ahead, "pg-europe-west3", { timeline: 2 })).promote).toBe(true);
  });

  it("refuses a target streaming another timeline, or on a later one, and lets a lagging restartpoint timeline pass", () => {
    const streamingOther = { ...agreeing(), targetReport: { ...agreeing().targetReport!, streamingTimeline: 2 } };
    expect(crossCheckPromotion(streamingOther)).toMatchObject({
      check: "target-on-primary-timeline",
      sentence: "pg-eu-west-1 streams timeline 2 (pg-eu-west-1's report of 2026-12-01T10:00:05.000Z), but pg-us-east-1 wrote on timeline 1 (pg-us-east-1's report of 2026-12-01T10:00:00.000Z)",
    });
    const later = { ...agreeing(), targetReport: { ...agreeing().targetReport!, timeline: 2, streamingTimeline: null } };
    expect(crossCheckPromotion(later)).toMatchObject({ check: "target-on-primary-timeline", sentence: expect.stringContaining("is on timeline 2") });
    const lagging = { ...agreeing(), targetReport: { ...agreeing().targetReport!, timeline: 0, streamingTimeline: null } };
    expect(crossCheckPromotion(lagging).promote).toBe(true);
  });

  it("refuses a target that has not replayed the fence's final position (the zero-loss proof)", () => {
    const behind = { ...agreeing(), targetReport: { ...agreeing().targetReport!, replayedLsn: 4000n } };
    expect(crossCheckPromotion(behind)).toMatchObject({ check: "target-replayed-fenced-lsn", sentence: "pg-eu-west-1 replayed 4000, behind the fenced primary's final 5000" });
    expect(crossCheckPromotion({ ...agreeing(), targetReport: null })).toMatchObject({ check: "target-replayed-fenced-lsn", sentence: "pg-eu-west-1 replayed nothing, behind the fenced primary's final 5000" });
  });

  it("waits until the primary itself sees the target flush the final position", () => {
    const notYet = { ...agreeing(), primaryServing: { ...agreeing().primaryServing!, targetFlush: { lsn: 4000n, witness: "primary-replication-view" as const } } };
    expect(crossCheckPromotion(notYet)).toEqual({
      promote: false,
      waiting: true,
      check: "primary-saw-target-flush",
      sentence: "pg-us-east-1 has not seen pg-eu-west-1 flush the final position 5000: pg-us-east-1's report of 2026-12-01T10:00:05.000Z has it at 4000",
    });
    const unlisted = { ...agreeing(), primaryServing: { ...agreeing().primaryServing!, listsTarget: false, targetFlush: null } };
    expect(crossCheckPromotion(unlisted)).toMatchObject({ waiting: true, sentence: "pg-us-east-1 does not list pg-eu-west-1 among its standbys, so nothing corroborates pg-eu-west-1's position" });
    expect(crossCheckPromotion({ ...agreeing(), primaryServing: null })).toMatchObject({ waiting: true, check: "primary-saw-target-flush" });
  });

  it("refuses before it waits: a refusal is final, a wait may resolve", () => {
    const both = { ...agreeing(), targetReport: { ...agreeing().targetReport!, replayedLsn: 4000n }, primaryServing: null };
    expect(crossCheckPromotion(both)).toMatchObject({ waiting: false, check: "target-replayed-fenced-lsn" });
  });

  describe("without a fence (a lost primary)", () => {
    const lost = (): PromotionEvidence => ({ ...agreeing(), fence: null, primaryServing: { ...agreeing().primaryServing!, receivedAt: T0, targetFlush: { lsn: 4800n, witness: "primary-replication-view" } },
    });

    it("checks the target against the primary's last word about it, and its timeline", () => {
      expect(crossCheckPromotion(lost())).toEqual({
        promote: true,
        proof: [
          { check: "target-on-primary-timeline", sentence: "pg-eu-west-1 streams timeline 1, the one pg-us-east-1 wrote on" },
          {
            check: "target-holds-what-primary-saw",
            sentence: "pg-eu-west-1's report of 2026-12-01T10:00:05.000Z has 5000, not behind the 4800 pg-us-east-1 saw it flush (pg-us-east-1's report of 2026-12-01T10:00:00.000Z)",
          },
        ],
      });
    });

    it("waits for a target that reports less than the primary saw it flush: it lost acknowledged WAL, or its report is older", () => {
      const behind = { ...lost(), targetReport: { ...lost().targetReport!, receivedLsn: 4700n, replayedLsn: 4700n } };
      expect(crossCheckPromotion(behind)).toEqual({
        promote: false,
        waiting: true,
        check: "target-holds-what-primary-saw",
        sentence: "pg-eu-west-1 has not reported the 4800 pg-us-east-1 saw it flush (pg-us-east-1's report of 2026-12-01T10:00:00.000Z): pg-eu-west-1's report of 2026-12-01T10:00:05.000Z has 4700",
      });
    });

    it("has nothing to hold a target against when the primary never served or never saw it flush", () => {
      expect(crossCheckPromotion({ ...lost(), primaryServing: null })).toEqual({ promote: true, proof: [] });
    });
  });

  describe("MariaDB: no timelines, and a primary that keeps no position per replica", () => {
    const untimed = (entry: ReportedPositions): ReportedPositions => ({ ...entry, timeline: null });
    /** A fenced switchover of sessions-db at 5000, the target's received position read by the primary's agent from the target server. */
    const mariadb = (): PromotionEvidence => {
      const evidence = agreeing();
      return {
        ...evidence,
        primary: "sess-us-east-1",
        target: "sess-eu-west-1",
        targetReport: { ...untimed({ ...evidence.targetReport!, replica: "sess-eu-west-1" }), streamingTimeline: null },
        primaryServing: { ...untimed({ ...evidence.primaryServing!, replica: "sess-us-east-1" }), listsTarget: true, targetFlush: { lsn: 5000n, witness: "primary-agent-read" } },
        fence: { finalLsn: 5000n, before: evidence.fence!.before.map((entry) => untimed({ ...entry, replica: entry.replica.replace("pg-", "sess-") })) },
      };
    };

    it("promotes on the primary's agent's read of the target, and compares the standbys of the one history", () => {
      const checked = crossCheckPromotion(mariadb());
      expect(checked).toMatchObject({ promote: true });
      const proof = checked.promote ? checked.proof : [];
      expect(proof.map((entry) => entry.check)).toEqual(["fence-covers-primary-report", "fence-covers-standby-reports", "target-replayed-fenced-lsn", "primary-saw-target-flush", "target-holds-what-primary-saw"]);
      expect(proof.find((entry) => entry.check === "primary-saw-target-flush")?.sentence).toBe(
        "sess-us-east-1's report of 2026-12-01T10:00:05.000Z has sess-eu-west-1 flushed to 5000 ≥ 5000, by the primary's agent's own read of the target server",
      );
      expect(proof.find((entry) => entry.check === "fence-covers-standby-reports")?.sentence).toBe(
        "before the fence no standby on the primary's history was beyond 5000 (sess-eu-west-1 at 4900, sess-europe-west3 at 4000)",
      );
    });

    it("waits while the primary's side has no second witness of the target: the target agent's word alone is not enough", () => {
      const missing = { ...mariadb(), primaryServing: { ...mariadb().primaryServing!, targetFlush: null } };
      expect(crossCheckPromotion(missing)).toEqual({
        promote: false,
        waiting: true,
        check: "primary-saw-target-flush",
        sentence: "sess-us-east-1 has not seen sess-eu-west-1 flush the final position 5000: sess-us-east-1's report of 2026-12-01T10:00:05.000Z has it at no flush position",
      });
    });

    it("waits while the primary's agent read the target behind the final position, though the target's own report has it caught up", () => {
      const behind = { ...mariadb(), primaryServing: { ...mariadb().primaryServing!, targetFlush: { lsn: 4999n, witness: "primary-agent-read" as const } } };
      expect(crossCheckPromotion(behind)).toMatchObject({ promote: false, waiting: true, check: "primary-saw-target-flush", sentence: expect.stringContaining("has it at 4999") });
    });

    it("waits while the primary's server does not list the target, whatever its agent read", () => {
      const unlisted = { ...mariadb(), primaryServing: { ...mariadb().primaryServing!, listsTarget: false } };
      expect(crossCheckPromotion(unlisted)).toMatchObject({ promote: false, waiting: true, check: "primary-saw-target-flush" });
    });

    it("waits for a target whose own report is behind what the primary's agent read from its server", () => {
      const ahead = { ...mariadb(), primaryServing: { ...mariadb().primaryServing!, targetFlush: { lsn: 5200n, witness: "primary-agent-read" as const } } };
      expect(crossCheckPromotion(ahead)).toMatchObject({
        promote: false,
        waiting: true,
        check: "target-holds-what-primary-saw",
        sentence: "sess-eu-west-1 has not reported the 5200 sess-us-east-1 saw it flush (sess-us-east-1's report of 2026-12-01T10:00:05.000Z): sess-eu-west-1's report of 2026-12-01T10:00:05.000Z has 5000",
      });
    });

    it("refuses a fence behind what a standby without a timeline had received before it", () => {
      const evidence = mariadb();
      const ahead = { ...evidence, fence: { ...evidence.fence!, before: evidence.fence!.before.map((entry) => (entry.replica === "sess-europe-west3" ? { ...entry, receivedLsn: 6000n } : entry)) } };
      expect(crossCheckPromotion(ahead)).toMatchObject({ promote: false, waiting: false, check: "fence-covers-standby-reports", sentence: expect.stringContaining("has it at 6000") });
    });

    it("without a fence, holds the target against the agent's read as against the primary's own view", () => {
      const lost = { ...mariadb(), fence: null, primaryServing: { ...mariadb().primaryServing!, targetFlush: { lsn: 5100n, witness: "primary-agent-read" as const } } };
      expect(crossCheckPromotion(lost)).toMatchObject({ promote: false, waiting: true, check: "target-holds-what-primary-saw" });
      expect(crossCheckPromotion({ ...lost, primaryServing: { ...lost.primaryServing, targetFlush: { lsn: 5000n, witness: "primary-agent-read" } } })).toMatchObject({ promote: true });
    });
  });

  it("declares each witness of the target's flush position with a sentence", () => {
    expect(Object.keys(TARGET_FLUSH_WITNESSES).sort()).toEqual(["primary-agent-read", "primary-replication-view"]);
    for (const sentence of Object.values(TARGET_FLUSH_WITNESSES)) expect(sentence).toMatch(/^[A-Z].+\.$/);
  });

  it("declares each check once, with a sentence", () => {
    expect(new Set(PROMOTION_CHECKS.map((check) => check.id)).size).toBe(PROMOTION_CHECKS.length);
    for (const check of PROMOTION_CHECKS) expect(check.sentence).toMatch(/^[A-Z].+\.$/);
  });
});
