/** What a witness (another replica's agent) last saw of a replica, and since when it has failed to reach it. */
export interface WitnessLink {
  fromReplicaId: string;
  fromRegionId: string;
  toReplicaId: string;
  reachable: boolean;
  /** Start of the current unbroken run of failed probes; null while reachable. */
  unreachableSince: Date | null;
  observedAt: Date;
}
