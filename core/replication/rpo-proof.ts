/**
 * Whether the primary's last listing of a standby proves every commit it
 * acknowledged waited for that standby: `sync` only. A `quorum` standby of
 * `ANY n (…)` shares each commit with the other candidates, so one of them
 * alone may miss commits the others confirmed; its proof is a position
 * compared after the fence (fencedPositionReplayed), not its sync state.
 */
export function everyCommitWaitsFor(syncState: string | null): boolean {
  return syncState === "sync";
}

/** A standby's last known positions and the primary's, as the RPO proof before a fence reads them. */
export interface StandbyPositions {
  syncState: string | null;
  lagBytes: number | null;
  flushedLsn: bigint | null;
  replayedLsn: bigint | null;
}

/**
 * Nothing the primary acknowledged is missing from the standby, as far as is
 * known before a fence (design rule "no-acknowledged-write-lost"): every
 * commit waited for it, and it has either no lag or flushed (or replayed) at
 * least up to the primary's last known write position. The sentence says
 * why; null when there is no such proof.
 */
export function rpoProof(standby: StandbyPositions, primaryLsn: bigint | null): string | null {
  if (!everyCommitWaitsFor(standby.syncState)) return null;
  if (standby.lagBytes === 0) return "synchronous, 0 B behind";
  const reached = standby.flushedLsn ?? standby.replayedLsn;
  if (primaryLsn !== null && reached !== null && reached >= primaryLsn) return `synchronous, flushed ${reached} ≥ the primary's last position ${primaryLsn}`;
  return null;
}

/**
 * The proof after a fence: the standby replayed everything up to the fenced
 * primary's final position, so it holds every write that primary
 * acknowledged. The runbooks' condition and the promotion's cross-check ask it.
 */
export function fencedPositionReplayed(replayedLsn: bigint | null, fencedFinalLsn: bigint): boolean {
  return replayedLsn !== null && replayedLsn >= fencedFinalLsn;
}
