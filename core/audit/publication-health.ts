import { formatSeconds } from "../format";
import type { LoopProgressFacts } from "../loops/loop-stall";

/** The progress row the checkpoint publisher writes (a LoopProgress row, like the decider's). */
export const AUDIT_CHECKPOINT_PROGRESS = "audit-checkpoints";

/** A publisher that has not completed a round in this many of its intervals has stopped. */
export const UNPUBLISHED_AFTER_INTERVALS = 3;

/** What the alert rules say about the audit trail: a sentence for each condition that holds, null otherwise. */
export interface AuditTrailFacts {
  /** The chain no longer verifies, or no longer matches a checkpoint published off the box. */
  broken: string | null;
  /** Checkpoints are to be published off the box, but are not. */
  unpublished: string | null;
}

const SINK_ORDER = ["settings", "file", "webhook", "s3"] as const;

/**
 * Reads the publisher's last round. `wanted` says whether this copy's
 * environment names a sink: with none, nothing is published and only a
 * broken chain found by an earlier publisher is reported.
 */
export function auditTrailFacts(progress: LoopProgressFacts | null, publishing: { wanted: boolean; intervalMs: number }, now: Date): AuditTrailFacts {
  const broken = progress?.failures.chain ?? null;
  if (!publishing.wanted) return { broken, unpublished: null };
  const failed = SINK_ORDER.flatMap((sink) => (progress?.failures[sink] ? [`${sink}: ${progress.failures[sink]}`] : []));
  if (failed.length) return { broken, unpublished: `Audit checkpoints are not being published off the box (${failed.join("; ")}).` };
  if (broken) return { broken, unpublished: "Audit checkpoints are not being published off the box: the chain does not verify, so no checkpoint vouches for it." };
  const lastPassAt = progress?.lastPassAt ?? null;
  const staleAfterMs = UNPUBLISHED_AFTER_INTERVALS * publishing.intervalMs;
  if (!lastPassAt) return { broken, unpublished: "No control-plane copy has published an audit checkpoint yet." };
  const since = now.getTime() - lastPassAt.getTime();
  if (since > staleAfterMs) {
    return { broken, unpublished: `No audit checkpoint round has completed for ${formatSeconds(Math.round(since / 1000))} (one is due every ${formatSeconds(publishing.intervalMs / 1000)}).` };
  }
  return { broken, unpublished: null };
}
