import { fencedPositionReplayed } from "../replication/rpo-proof";

/**
 * Design rule "claims-cross-checked": every position an agent reports that a promotion relies on
 * is cross-checked, before the promotion, against what other reports say.
 * The fence's final position and the target's replay position are each one
 * agent's word; here they are held against the primary's own earlier
 * reports, the standbys' reports and the primary's side's view of the
 * target, which for MariaDB (no position per replica on its primary) is the
 * primary's agent's own read of the target server.
 */

/**
 * Who, on the primary's side, saw the target's flushed position: the second
 * witness `primary-saw-target-flush` holds the target's own report against.
 * Neither is the target's agent. One sentence each goes into the proof.
 */
export const TARGET_FLUSH_WITNESSES = {
  "primary-replication-view":
    "The primary server's own account of the replica streaming from it (PostgreSQL's pg_stat_replication flush_lsn), which the replica acknowledged to the primary.",
  "primary-agent-read":
    "The primary's agent read the target server's received position itself over its witness connection (MariaDB's Gtid_IO_Pos, as a MariaDB primary keeps no position per replica), so it is another agent's measurement, not the target agent's word.",
} as const;

export type TargetFlushWitness = keyof typeof TARGET_FLUSH_WITNESSES;

/** What one agent's report said: whose it was, when the control plane received it, and the positions in it. */
export interface ReportedPositions {
  /** The replica whose agent reported. */
  replica: string;
  receivedAt: Date;
  timeline: number | null;
  /** A primary's write position (pg_current_wal_lsn). */
  currentLsn: bigint | null;
  receivedLsn: bigint | null;
  replayedLsn: bigint | null;
}

export interface PromotionEvidence {
  primary: string;
  target: string;
  /** The target's own latest report; `streamingTimeline` is its WAL receiver's timeline while it streams. */
  targetReport: (ReportedPositions & { streamingTimeline: number | null }) | null;
  /**
   * The primary's latest report in which it answered as a primary: whether
   * its server listed the target among the replicas streaming from it, and
   * the target's flushed position as the primary's side saw it, with the
   * witness that saw it (TARGET_FLUSH_WITNESSES); null when neither did.
   */
  primaryServing: (ReportedPositions & { listsTarget: boolean; targetFlush: { lsn: bigint; witness: TargetFlushWitness } | null }) | null;
  /**
   * Once the run fenced the primary: the final position the fence reported,
   * and each replica's last report received before the fence reached the
   * agent (so measured before the fence, when no later WAL can be in it).
   */
  fence: { finalLsn: bigint; before: ReportedPositions[] } | null;
  /**
   * The same positions in the engine's own notation, where it has one the
   * decimal positions condense (MariaDB: GTID positions): what the fence
   * reported as its final position, and what the target last reported it had
   * received and applied. Absent for PostgreSQL; carried into the proof, never
   * decided on (the checks compare the engine-neutral positions).
   */
  notation?: { fencedFinal: string | null; targetReceived: string | null; targetApplied: string | null };
}

/** A check's finding: it holds (the sentence goes into the proof), refuses the promotion, waits for a report, or does not apply. */
export type CheckVerdict = { holds: string } | { refuses: string } | { waits: string } | null;

export interface PromotionCheck {
  id: string;
  sentence: string;
  verdict: (evidence: PromotionEvidence) => CheckVerdict;
}

export type PromotionCrossCheck =
  | { promote: true; proof: { check: string; sentence: string }[] }
  | { promote: false; check: string; sentence: string; waiting: boolean };

const at = (report: { replica: string; receivedAt: Date }) => `${report.replica}'s report of ${report.receivedAt.toISOString()}`;

const positionOf = (report: ReportedPositions): bigint | null => {
  const known = [report.receivedLsn, report.replayedLsn].filter((lsn) => lsn !== null);
  return known.length ? known.reduce((a, b) => (a > b ? a : b)) : null;
};

const witnessed = (witness: TargetFlushWitness) => (witness === "primary-replication-view" ? "the primary server's account of its replicas" : "the primary's agent's own read of the target server");

const primaryBeforeFence = (evidence: PromotionEvidence) => evidence.fence?.before.find((report) => report.replica === evidence.primary) ?? null;

/** The primary's timeline: from before the fence when the run fenced it, from its last serving report otherwise. */
const primaryTimeline = (evidence: PromotionEvidence) => (evidence.fence ? primaryBeforeFence(evidence) : evidence.primaryServing);

/** In this order; the first refusal, else the first wait, decides. Ids are stable: runs and audit events name them. */
export const PROMOTION_CHECKS: readonly PromotionCheck[] = [
  {
    id: "fence-covers-primary-report",
    sentence:
      "The fence's final position is not behind the write position the primary itself reported before it was fenced: a fence that under-reports would let a lagging standby be promoted over acknowledged writes.",
    verdict: (evidence) => {
      if (!evidence.fence) return null;
      const final = evidence.fence.finalLsn;
      const before = primaryBeforeFence(evidence);
      if (!before || before.currentLsn === null) return { refuses: `nothing corroborates the fence's final position ${final}: ${evidence.primary} reported no write position before it was fenced` };
      if (before.currentLsn > final) {
        return { refuses: `the fence of ${evidence.primary} reported its final position as ${final}, behind the write position ${before.currentLsn} in ${at(before)}, before the fence` };
      }
      return { holds: `the fence's final position ${final} ≥ the write position ${before.currentLsn} in ${at(before)}, before the fence` };
    },
  },
  {
    id: "fence-covers-standby-reports",
    sentence:
      "No standby on the primary's timeline (its history, for an engine without timelines) had received or replayed beyond the fence's final position before the fence: a standby cannot hold changes its primary never wrote.",
    verdict: (evidence) => {
      if (!evidence.fence) return null;
      const primaryBefore = primaryBeforeFence(evidence);
      if (!primaryBefore) return null;
      // An engine without timelines (MariaDB: one GTID history per domain under gtid_strict_mode) reports none on either side, and its standbys are compared too.
      const timeline = primaryBefore.timeline;
      const standbys = evidence.fence.before.flatMap((report) => {
        const position = positionOf(report);
        return report.replica !== evidence.primary && report.timeline === timeline && position !== null ? [{ report, position }] : [];
      });
      if (standbys.length === 0) return null;
      const final = evidence.fence.finalLsn;
      const beyond = standbys.find((standby) => standby.position > final);
      if (beyond) {
        return { refuses: `${at(beyond.report)}, before the fence, has it at ${beyond.position}, beyond the final position ${final} the fence of ${evidence.primary} reported` };
      }
      return { holds: `before the fence no standby on ${timeline === null ? "the primary's history" : `timeline ${timeline}`} was beyond ${final} (${standbys.map((standby) => `${standby.report.replica} at ${standby.position}`).join(", ")})` };
    },
  },
  {
    id: "target-on-primary-timeline",
    sentence: "The target is on the timeline the primary wrote on: positions on another history cannot be compared.",
    verdict: (evidence) => {
      const target = evidence.targetReport;
      const primary = primaryTimeline(evidence);
      if (!target || !primary || primary.timeline === null) return null;
      const expected = primary.timeline;
      if (target.streamingTimeline !== null && target.streamingTimeline !== expected) {
        return { refuses: `${evidence.target} streams timeline ${target.streamingTimeline} (${at(target)}), but ${evidence.primary} wrote on timeline ${expected} (${at(primary)})` };
      }
      // Without a WAL receiver a standby's timeline is its last restartpoint's, which may lag behind; only one ahead of the primary's is sure to be another history.
      if (target.timeline !== null && target.timeline > expected) {
        return { refuses: `${evidence.target} is on timeline ${target.timeline} (${at(target)}), past the timeline ${expected} ${evidence.primary} wrote on (${at(primary)})` };
      }
      if (target.streamingTimeline === null) return null;
      return { holds: `${evidence.target} streams timeline ${expected}, the one ${evidence.primary} wrote on` };
    },
  },
  {
    id: "target-replayed-fenced-lsn",
    sentence: "The target has replayed everything up to the fence's final position, by its own report (design rule no-acknowledged-write-lost).",
    verdict: (evidence) => {
      if (!evidence.fence) return null;
      const final = evidence.fence.finalLsn;
      const replayed = evidence.targetReport?.replayedLsn ?? null;
      if (!fencedPositionReplayed(replayed, final)) return { refuses: `${evidence.target} replayed ${replayed ?? "nothing"}, behind the fenced primary's final ${final}` };
      return { holds: `${evidence.target} replayed ${replayed} ≥ the fenced primary's final ${final} (${at(evidence.targetReport!)})` };
    },
  },
  {
    id: "primary-saw-target-flush",
    sentence:
      "The primary's side saw the target flush everything up to the fence's final position, through its server's account of its replicas or its agent's own read of the target server (TARGET_FLUSH_WITNESSES): the target's word that it caught up is not taken alone.",
    verdict: (evidence) => {
      if (!evidence.fence) return null;
      const final = evidence.fence.finalLsn;
      const serving = evidence.primaryServing;
      if (!serving?.listsTarget) return { waits: `${evidence.primary} does not list ${evidence.target} among its standbys, so nothing corroborates ${evidence.target}'s position` };
      const flushed = serving.targetFlush;
      if (flushed === null || flushed.lsn < final) {
        return { waits: `${evidence.primary} has not seen ${evidence.target} flush the final position ${final}: ${at(serving)} has it at ${flushed?.lsn ?? "no flush position"}` };
      }
      return { holds: `${at(serving)} has ${evidence.target} flushed to ${flushed.lsn} ≥ ${final}, by ${witnessed(flushed.witness)}` };
    },
  },
  {
    id: "target-holds-what-primary-saw",
    sentence:
      "The target's own report is not behind the position the primary last saw it flush: a standby that lost WAL it acknowledged, or an agent reporting another server, is not promoted.",
    verdict: (evidence) => {
      const serving = evidence.primaryServing;
      const target = evidence.targetReport;
      const flushed = serving?.targetFlush?.lsn ?? null;
      if (!serving || flushed === null) return null;
      const own = target ? positionOf(target) : null;
      if (!target || own === null || own < flushed) {
        return { waits: `${evidence.target} has not reported the ${flushed} ${evidence.primary} saw it flush (${at(serving)}): ${target ? `${at(target)} has ${own ?? "no position"}` : "it has not reported"}` };
      }
      return { holds: `${at(target)} has ${own}, not behind the ${flushed} ${evidence.primary} saw it flush (${at(serving)})` };
    },
  },
];

/** Runs every check: the first refusal refuses, else the first wait waits, else the promotion goes ahead with the proof of each check that applied. */
export function crossCheckPromotion(evidence: PromotionEvidence): PromotionCrossCheck {
  const verdicts = PROMOTION_CHECKS.map((check) => ({ check: check.id, verdict: check.verdict(evidence) }));
  for (const { check, verdict } of verdicts) if (verdict && "refuses" in verdict) return { promote: false, check, sentence: verdict.refuses, waiting: false };
  for (const { check, verdict } of verdicts) if (verdict && "waits" in verdict) return { promote: false, check, sentence: verdict.waits, waiting: true };
  return { promote: true, proof: verdicts.flatMap(({ check, verdict }) => (verdict && "holds" in verdict ? [{ check, sentence: verdict.holds }] : [])) };
}
