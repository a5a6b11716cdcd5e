/**
 * When the primary lease keeper reads its server again. The agent's own
 * probe reads the same server every interval and wakes the keeper the moment
 * it sees the server other than the keeper last read it (a promotion by
 * anyone, a demotion, a crash), so the keeper need not read more often than
 * its own work asks: a standby holds no lease and is read rarely, as a
 * backstop for a probe loop that is stuck; a primary whose grant is fresh is
 * read with its next renewal (core/agents/lease-renewal.ts), or sooner when
 * the lease would run out first; anything else every interval.
 */

/** A standby's server is read once every this many intervals when nothing wakes the keeper. */
export const STANDBY_READ_EVERY_INTERVALS = 10;

export interface KeeperReadFacts {
  /** The role the keeper's last read found; null when the server did not answer it. */
  lastRead: "primary" | "standby" | null;
  /** When the next renewal is meant to go (monotonic ms), while a grant this process received is fresh (core/agents/lease-renewal.ts, "grant-fresh"); null otherwise. */
  renewalAt: number | null;
}

export interface KeeperReadRule {
  id: string;
  when: (facts: KeeperReadFacts) => boolean;
  /** When to read next (monotonic ms), for a tick that started at `from`. */
  next: (facts: KeeperReadFacts, from: number, intervalMs: number) => number;
  sentence: string;
}

/** First match wins; ids are stable (tests name them). */
export const KEEPER_READ_RULES: readonly KeeperReadRule[] = [
  {
    id: "standby-rests",
    when: (facts) => facts.lastRead === "standby",
    next: (_facts, from, intervalMs) => from + STANDBY_READ_EVERY_INTERVALS * intervalMs,
    sentence: "The server was a standby at the last read: it holds no lease, so read it again after ten intervals, or at once when the agent's probe sees anything but a reachable standby.",
  },
  {
    id: "primary-renews-later",
    when: (facts) => facts.lastRead === "primary" && facts.renewalAt !== null,
    next: (facts) => facts.renewalAt!,
    sentence: "The server was a primary at the last read and its grant is fresh: read it again with the next renewal (sooner when the lease runs out first), or at once when the agent's probe sees anything but a reachable primary.",
  },
  {
    id: "every-interval",
    when: () => true,
    next: (_facts, from, intervalMs) => from + intervalMs,
    sentence: "The server is a primary whose renewal is due, or did not answer: read it again after one interval (sooner when the lease runs out first).",
  },
];

export function decideKeeperRead(facts: KeeperReadFacts): KeeperReadRule {
  return KEEPER_READ_RULES.find((rule) => rule.when(facts))!;
}

/** Whether what the agent's probe just saw of the local server should have the keeper read it now: anything but what the keeper last read, where it reads less than every interval. */
export function probeWakesKeeper(probe: { reachable: boolean; role: "primary" | "standby" | null }, keeper: KeeperReadFacts): boolean {
  return decideKeeperRead(keeper).id !== "every-interval" && !(probe.reachable && probe.role === keeper.lastRead);
}
