/**
 * When the primary lease keeper reads its server again. Only a primary holds
 * a lease, so a server the keeper last found to be a standby can wait: the
 * agent's own probe of the same server, every interval, wakes the keeper the
 * moment it sees anything but a reachable standby (a promotion by anyone,
 * a crash), so a standby that becomes a primary is read, and its lease
 * decided, no later than today's every-interval read would. The rare read
 * of a standby stays as a backstop for a probe loop that is stuck.
 */

/** A standby's server is read once every this many intervals when nothing wakes the keeper. */
export const STANDBY_READ_EVERY_INTERVALS = 10;

export interface KeeperReadFacts {
  /** The role the keeper's last read found; null when the server did not answer it. */
  lastRead: "primary" | "standby" | null;
}

export interface KeeperReadRule {
  id: string;
  when: (facts: KeeperReadFacts) => boolean;
  intervals: number;
  sentence: string;
}

/** First match wins; ids are stable (tests name them). */
export const KEEPER_READ_RULES: readonly KeeperReadRule[] = [
  {
    id: "standby-rests",
    when: (facts) => facts.lastRead === "standby",
    intervals: STANDBY_READ_EVERY_INTERVALS,
    sentence: "The server was a standby at the last read: it holds no lease, so read it again after ten intervals, or at once when the agent's probe sees anything but a reachable standby.",
  },
  {
    id: "every-interval",
    when: () => true,
    intervals: 1,
    sentence: "The server is a primary, or did not answer: read it again after one interval (sooner when the lease runs out first).",
  },
];

export function decideKeeperRead(facts: KeeperReadFacts): KeeperReadRule {
  return KEEPER_READ_RULES.find((rule) => rule.when(facts))!;
}

/** Whether what the agent's probe just saw of the local server should have the keeper read it now. */
export function probeWakesKeeper(probe: { reachable: boolean; role: "primary" | "standby" | null }, keeper: KeeperReadFacts): boolean {
  return keeper.lastRead === "standby" && !(probe.reachable && probe.role === "standby");
}
