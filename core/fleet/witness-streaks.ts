/**
 * What a batch of reports says about each peer a witness probes: the latest
 * observation and when the current run of failed probes began. Reports may
 * arrive late and in batches (after an outage of the control plane), so the
 * start of a run is taken from the agent's observations, not from when the
 * control plane happened to receive them.
 */
export interface PeerObservation {
  replica: string;
  reachable: boolean;
  rttMs: number | null;
  error: string | null;
}

export interface WitnessStreak {
  latest: PeerObservation;
  observedAt: Date;
  /** Start of the trailing run of failed probes within the batch; null if the latest probe succeeded. */
  unreachableSince: Date | null;
  /**
   * True when every observation of this peer in the batch failed: the run may
   * have begun in an earlier batch, whose start the store already knows.
   */
  continuesEarlierRun: boolean;
}

export function witnessStreaks(reports: readonly { observedAt: Date; peers: readonly PeerObservation[] }[]): Map<string, WitnessStreak> {
  const streaks = new Map<string, WitnessStreak>();
  for (const report of reports) {
    for (const peer of report.peers) {
      const previous = streaks.get(peer.replica);
      if (peer.reachable) {
        streaks.set(peer.replica, { latest: peer, observedAt: report.observedAt, unreachableSince: null, continuesEarlierRun: false });
      } else {
        streaks.set(peer.replica, {
          latest: peer,
          observedAt: report.observedAt,
          unreachableSince: previous?.unreachableSince ?? report.observedAt,
          continuesEarlierRun: previous ? previous.continuesEarlierRun : true,
        });
      }
    }
  }
  return streaks;
}
