import type { StandbyStat } from "@/contracts/agent-reports";

/**
 * Whether a replica connected to a MariaDB primary is a synchronous standby,
 * in PostgreSQL's words (`sync`, `quorum`, `async`; null: unknown). MariaDB's
 * primary waits for the first acknowledgement of any semi-synchronous
 * replica and never says whose it was, so the primary's own status
 * (Rpl_semi_sync_master_status and _clients) cannot name one; the replica's
 * Rpl_semi_sync_slave_status can. The primary's agent reads it over the
 * connections its witness keeps to its peers (peer-probes.ts), in the same
 * tick as the primary's status. The replica's own report carries the same
 * status, but joining it to the primary's listing in the control plane would
 * pair readings from two agents taken at different moments, and every
 * consumer of the listing (the RPO proof, the automation's candidate, the
 * alerts) reads the primary's `syncState` alone.
 *
 * `sync` only when every commit the primary acknowledged is on the replica:
 * semi-sync active on the primary (a timed-out primary acknowledges without
 * any replica), the replica acknowledging, and it the only client, so with
 * AFTER_SYNC each acknowledged commit waited for it.
 */
export interface SemiSyncStandbyFacts {
  /** Rpl_semi_sync_master_status: ON while commits wait for an acknowledgement; OFF when disabled or fallen back after rpl_semi_sync_master_timeout. */
  primaryActive: boolean;
  /** Rpl_semi_sync_master_clients: the semi-synchronous replicas connected to the primary. */
  clients: number;
  /** The replica's Rpl_semi_sync_slave_status as read by the primary's agent; null when it could not be read. */
  acknowledging: boolean | null;
  /** How many of the replicas connected to the primary read as acknowledging, this one included. */
  acknowledgingConnected: number;
}

export interface SemiSyncStandbyRule {
  id: string;
  when: (facts: SemiSyncStandbyFacts) => boolean;
  syncState: StandbyStat["syncState"];
  sentence: string;
}

/** First match wins; ids are stable. */
export const SEMI_SYNC_STANDBY_RULES: readonly SemiSyncStandbyRule[] = [
  {
    id: "primary-not-waiting",
    when: (facts) => !facts.primaryActive,
    syncState: "async",
    sentence: "The primary's commits wait for no replica (semi-sync off, or fallen back to asynchronous after its timeout): every replica is asynchronous.",
  },
  {
    id: "replica-status-unread",
    when: (facts) => facts.acknowledging === null,
    syncState: null,
    sentence: "The replica's own semi-sync status could not be read: whether commits wait for it is unknown.",
  },
  {
    id: "replica-not-acknowledging",
    when: (facts) => facts.acknowledging === false,
    syncState: "async",
    sentence: "The replica does not acknowledge semi-synchronous commits: commits never wait for it.",
  },
  {
    id: "sole-acknowledging-replica",
    when: (facts) => facts.clients === 1 && facts.acknowledgingConnected === 1,
    syncState: "sync",
    sentence: "The replica is the primary's only semi-synchronous client: every commit the primary acknowledged (AFTER_SYNC) waited for it.",
  },
  {
    id: "one-of-several-acknowledging",
    when: (facts) => facts.clients > 1 && facts.acknowledgingConnected <= facts.clients,
    syncState: "quorum",
    sentence: "Several semi-synchronous clients acknowledge, the first answer is enough: each commit is on one of them, not necessarily this one.",
  },
  {
    id: "counts-disagree",
    when: () => true,
    syncState: null,
    sentence: "The primary counts a different number of semi-synchronous clients than the replicas that acknowledge (one is connecting or leaving): unknown until they agree.",
  },
];

export function semiSyncStandbyRule(facts: SemiSyncStandbyFacts): SemiSyncStandbyRule {
  return SEMI_SYNC_STANDBY_RULES.find((rule) => rule.when(facts))!;
}
