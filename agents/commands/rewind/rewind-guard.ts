/** What the agent knows before a rewind: the primary it is told to follow, and its own replica. */
export interface RewindFacts {
  replica: string;
  source: { address: string; inRecovery: boolean; timeline: number | null };
  local:
    | { running: false; standbyFolder: boolean; timeline: number }
    | {
        running: true;
        inRecovery: boolean;
        acceptsWrites: boolean;
        timeline: number;
        /** The WAL receiver, when the server is a standby that has one. */
        receiver: { address: string; status: string; timeline: number | null } | null;
      };
}

export type RewindDecision = { action: "refuse"; reason: string } | { action: "following"; timeline: number } | { action: "rewind" };

/**
 * Whether a rewind may discard this replica's history. It never discards a
 * primary that still takes writes, nor one whose timeline is not older than
 * the source's (two primaries of the same generation are a split brain for a
 * person to sort out, not for an agent to settle by deleting one), and it
 * does nothing to a standby that already streams from the source on its
 * timeline.
 */
export function decideRewind({ replica, source, local }: RewindFacts): RewindDecision {
  if (source.inRecovery || source.timeline === null) {
    return { action: "refuse", reason: `${source.address} is a standby; ${replica} can only be made to follow a primary` };
  }
  if (local.running && local.inRecovery && local.receiver) {
    const { receiver } = local;
    if (receiver.address === source.address && receiver.status === "streaming" && receiver.timeline === source.timeline) {
      return { action: "following", timeline: source.timeline };
    }
  }
  if (local.running && !local.inRecovery && local.acceptsWrites) {
    return { action: "refuse", reason: `${replica} is a primary that still accepts writes: fence it before its history is discarded` };
  }
  const standby = local.running ? local.inRecovery : local.standbyFolder;
  if (!standby && local.timeline >= source.timeline) {
    return {
      action: "refuse",
      reason:
        `${replica} is a primary on timeline ${local.timeline}, not older than ${source.address}'s timeline ${source.timeline}: ` +
        "discarding it could discard the newer history; a person must decide which primary is the real one",
    };
  }
  return { action: "rewind" };
}
