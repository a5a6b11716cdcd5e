/**
 * Whether this agent's primary holds its lease, and what to do about it: a
 * pure function of what the keeper knows, on the agent's monotonic clock
 * (milliseconds; wall-clock steps must not lengthen a lease).
 */

export interface LeaseFacts {
  now: number;
  /** What the keeper last read from its server; null when it did not answer. */
  server: { role: "primary" | "standby"; readOnly: boolean } | null;
  /**
   * The control plane's last grant: when its request was sent (so the agent's
   * lease ends before the control plane's) and the period it granted.
   * `restored`: read back from the state folder at start, not granted to
   * this process.
   */
  grant: { sentAt: number; periodMs: number; restored: boolean } | null;
  /** The control plane's reason, when its latest answer was a refusal. */
  refusal: string | null;
  /**
   * The control plane said it grants no leases (an older version): nobody
   * waits for this lease to lapse before promoting, and fencing would only
   * take every primary down until it is upgraded.
   */
  notOffered: boolean;
  /** Before any grant, the lease holds until then (see the keeper). */
  graceUntil: number;
  /** The configured peers in other regions: only their vouches count. */
  witnesses: readonly string[];
  /** When each witness's latest vouch arrived. */
  vouches: ReadonlyMap<string, number>;
  /** The read-only setting is this agent's own fence, which it may undo. */
  selfFenced: boolean;
  /** The fence starts this long before the lease ends, so that it is in force when it ends. */
  leadMs: number;
}

export type LeaseRule = "server-unknown" | "standby" | "refused" | "not-offered" | "control-plane" | "witnesses" | "grace" | "lapsed";

export interface LeaseDecision {
  rule: LeaseRule;
  /** The server may take writes as far as the lease goes. */
  held: boolean;
  action: "none" | "fence" | "unfence";
  /** While held: when to decide again at the latest, because the lease runs out then. */
  until: number | null;
  sentence: string;
}

/**
 * The end of the lease through the witnesses: a majority (more than half) of
 * the configured peers in other regions must have vouched within the period,
 * so it ends a period after the vouch of the majority's last member to
 * arrive. The period is the one the control plane last granted to this
 * process: before that, or with no peer elsewhere, witnesses hold nothing.
 * A restored grant does not count, since the control plane may not know
 * which witnesses the restarted agent counts.
 */
export function witnessLeaseEnd(facts: Pick<LeaseFacts, "grant" | "witnesses" | "vouches">): number | null {
  const { grant, witnesses, vouches } = facts;
  if (!grant || grant.restored || witnesses.length === 0) return null;
  const majority = Math.floor(witnesses.length / 2) + 1;
  const latest = witnesses.flatMap((name) => vouches.get(name) ?? []).sort((a, b) => b - a);
  const last = latest[majority - 1];
  return last === undefined ? null : last + grant.periodMs;
}

const ms = (value: number) => `${Math.round(value)} ms`;

export function decideLease(facts: LeaseFacts): LeaseDecision {
  const { now, server, grant, refusal, leadMs } = facts;
  if (!server) {
    return { rule: "server-unknown", held: false, action: "none", until: null, sentence: "the local server does not answer: there is nothing to renew or fence until it does" };
  }
  if (server.role === "standby") {
    return { rule: "standby", held: false, action: "none", until: null, sentence: "the local server is a standby: it takes no writes and holds no lease" };
  }
  const fence = server.readOnly ? "none" : "fence";
  const fencing = server.readOnly ? "the server is read-only already" : "fencing the server";
  if (refusal !== null) {
    return { rule: "refused", held: false, action: fence, until: null, sentence: `the control plane refused the lease (${refusal}); ${fencing}` };
  }
  if (facts.notOffered) {
    return { rule: "not-offered", held: false, action: "none", until: null, sentence: "the control plane grants no leases: this agent does not fence its primary by itself until it does" };
  }

  const ends: { rule: "control-plane" | "witnesses" | "grace"; end: number }[] = [];
  if (grant) ends.push({ rule: "control-plane", end: grant.sentAt + grant.periodMs });
  const witnessEnd = witnessLeaseEnd(facts);
  if (witnessEnd !== null) ends.push({ rule: "witnesses", end: witnessEnd });
  if (!grant) ends.push({ rule: "grace", end: facts.graceUntil });
  const best = ends.reduce((a, b) => (b.end > a.end ? b : a));
  const until = best.end - leadMs;

  if (now < until) {
    const left = `${ms(best.end - now)} left`;
    // Only the control plane's word undoes the agent's own fence, however long the witnesses would hold the lease.
    const grantedToUs = grant !== null && !grant.restored && now < grant.sentAt + grant.periodMs - leadMs;
    if (facts.selfFenced && grantedToUs) {
      return { rule: "control-plane", held: true, action: "unfence", until, sentence: `the control plane granted the lease again (${left}); undoing this agent's own fence` };
    }
    if (best.rule === "control-plane") {
      const restored = grant!.restored ? " (as granted before this agent restarted)" : "";
      return { rule: "control-plane", held: true, action: "none", until, sentence: `the control plane granted the lease${restored} (${left})` };
    }
    if (best.rule === "witnesses") {
      return { rule: "witnesses", held: true, action: "none", until, sentence: `a majority of the ${facts.witnesses.length} witnesses in other regions vouched within the period (${left})` };
    }
    return { rule: "grace", held: true, action: "none", until, sentence: `no answer from the control plane yet; the grace after the agent's start holds the lease (${left})` };
  }
  const period = grant ? `its period of ${ms(grant.periodMs)}` : "the grace after the agent's start";
  return {
    rule: "lapsed",
    held: false,
    action: fence,
    until: null,
    sentence: `neither the control plane nor a majority of the witnesses in other regions renewed the lease within ${period}; ${fencing}`,
  };
}
