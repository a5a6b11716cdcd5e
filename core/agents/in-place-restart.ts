/**
 * Whether an agent restarts its crashed PostgreSQL in place, as Patroni and
 * pg_auto_failover do: a server that died on a healthy host comes back
 * faster on its own data than any failover, and loses nothing. Only a crash
 * is restarted (a postmaster.pid left behind by a dead process, the data
 * folder whole); a restart that fails, or a crash loop, falls through to
 * the control plane's failover. A server that comes back as a primary comes
 * back read-only, as the lease keeper's own fence: it takes writes again
 * only once the control plane grants it the lease, so a primary superseded
 * meanwhile never takes a write.
 */

/** The agent waits this long for a restarted server to accept connections before it calls the attempt failed. */
export const IN_PLACE_RESTART_TIMEOUT_MS = 10_000;

/**
 * How long the control plane holds off a failover after it first heard an
 * agent say it is restarting its primary: the agent's own bound, plus a few
 * report intervals for the outcome to arrive. A restart that hangs, or an
 * agent that falls silent meanwhile, fails over once it has passed.
 */
export const IN_PLACE_RESTART_HOLD_MS = IN_PLACE_RESTART_TIMEOUT_MS + 5_000;

/** A crash loop: this many restarts within this long, and the next crash is left to the failover. */
export const DEFAULT_CRASH_LOOP = { maxRestarts: 3, withinMs: 10 * 60_000 } as const;

export interface CrashLoopLimit {
  maxRestarts: number;
  withinMs: number;
}

export interface InPlaceRestartFacts {
  /** The agent's config has a `server` section (data folder and binaries) and in-place restarts are not turned off. */
  enabled: boolean;
  /** The agent's latest probe reached the server. */
  serverAnswers: boolean;
  /** An attempt of this agent is under way. */
  restarting: boolean;
  /** This agent's last attempt since the server last answered failed. */
  lastAttemptFailed: boolean;
  /** postmaster.pid: none (a clean stop, or never started), naming a live process, or naming a dead one (a crash). */
  postmaster: "none" | "running" | "stale";
  /** Why the data folder cannot be started as it is (no PG_VERSION, no global/pg_control), or null when it is whole. */
  folderProblem: string | null;
  /** What the folder starts as: a standby (standby.signal) or a primary. */
  startsAs: "primary" | "standby";
  /** A lease keeper runs, which keeps a restarted primary read-only until the control plane grants it the lease. */
  leaseKept: boolean;
  /** The control plane's latest answer to the lease keeper was a refusal: another replica is, or is becoming, the primary. */
  leaseRefused: boolean;
  /** Restarts this agent started within the limit's window. */
  recentRestarts: number;
  limit: CrashLoopLimit;
}

/** `restart`: start it now; `give-up`: report that it is left to the failover; `none`: nothing to do or say. */
export type InPlaceRestartAction = "none" | "restart" | "give-up";

export interface InPlaceRestartRule {
  id: string;
  when: (facts: InPlaceRestartFacts) => boolean;
  action: InPlaceRestartAction;
  sentence: string;
}

/** First match wins; ids are stable (reports, audit events and tests name them). */
export const IN_PLACE_RESTART_RULES: readonly InPlaceRestartRule[] = [
  { id: "server-answers", when: (facts) => facts.serverAnswers, action: "none", sentence: "The server answers: nothing to restart." },
  { id: "restart-under-way", when: (facts) => facts.restarting, action: "none", sentence: "A restart is under way: its outcome decides what comes next." },
  { id: "restart-disabled", when: (facts) => !facts.enabled, action: "none", sentence: "The agent has no server section (or in-place restarts are off): it cannot start the server, so the failover decides." },
  {
    id: "postmaster-alive",
    when: (facts) => facts.postmaster === "running",
    action: "none",
    sentence: "The postmaster still runs (starting, recovering or frozen): it is not the agent's to restart, and the failover decides if it stays unreachable.",
  },
  {
    id: "stopped-cleanly",
    when: (facts) => facts.postmaster === "none",
    action: "none",
    sentence: "There is no postmaster.pid: the server was stopped on purpose (or never started), which the agent does not undo.",
  },
  {
    id: "restart-failed",
    when: (facts) => facts.lastAttemptFailed,
    action: "give-up",
    sentence: "The agent's restart failed since the server last answered: it does not try again, and the failover decides.",
  },
  {
    id: "data-folder-damaged",
    when: (facts) => facts.folderProblem !== null,
    action: "give-up",
    sentence: "The data folder is not whole: starting it could only make things worse, so the failover decides.",
  },
  {
    id: "lease-refused",
    when: (facts) => facts.startsAs === "primary" && facts.leaseRefused,
    action: "give-up",
    sentence: "The control plane refuses this primary's lease (another replica is, or is becoming, the primary): it is not brought back.",
  },
  {
    id: "primary-without-lease-keeper",
    when: (facts) => facts.startsAs === "primary" && !facts.leaseKept,
    action: "give-up",
    sentence: "Without a lease keeper (no commands section) the agent could not keep a restarted primary read-only until the control plane grants it the lease, so the failover decides.",
  },
  {
    id: "crash-loop",
    when: (facts) => facts.recentRestarts >= facts.limit.maxRestarts,
    action: "give-up",
    sentence: "It crashed again after the most restarts the crash-loop limit allows within its window: it is left down for the failover.",
  },
  {
    id: "restart-crashed-server",
    when: () => true,
    action: "restart",
    sentence: "It crashed (a stale postmaster.pid) with its data folder whole: restart it in place, a primary read-only until the control plane grants its lease.",
  },
];

export function decideInPlaceRestart(facts: InPlaceRestartFacts): InPlaceRestartRule {
  return IN_PLACE_RESTART_RULES.find((rule) => rule.when(facts))!;
}

/** The restarts started within the limit's window before `now` (ms), the ones a crash loop counts. */
export function restartsWithin(startedAt: readonly number[], now: number, limit: CrashLoopLimit): number {
  return startedAt.filter((at) => now - at < limit.withinMs).length;
}

/** What an agent says of an attempt in its reports (contracts/agent-reports `restart`). */
export const IN_PLACE_RESTART_STATES = ["restarting", "restarted", "failed", "given-up"] as const;
export type InPlaceRestartState = (typeof IN_PLACE_RESTART_STATES)[number];

/** An attempt as the control plane knows it: its state, and when it first heard of it on its own clock. */
export interface InPlaceRestartHeard {
  replicaId: string;
  state: InPlaceRestartState;
  heardAt: Date;
}

/**
 * Whether the control plane holds off a failover of a primary because its
 * agent is restarting it: only while the attempt is reported under way, and
 * never longer than IN_PLACE_RESTART_HOLD_MS after the control plane first
 * heard of it (its own clock), so a restart that hangs still fails over.
 */
export function restartHoldUntil(restart: Pick<InPlaceRestartHeard, "state" | "heardAt"> | null | undefined, now: Date): Date | null {
  if (!restart || restart.state !== "restarting") return null;
  const until = new Date(restart.heardAt.getTime() + IN_PLACE_RESTART_HOLD_MS);
  return now < until ? until : null;
}

/** Why the automation waits for the primary's in-place restart, or null when it does not. */
export function restartHoldSentence(restart: InPlaceRestartHeard | null | undefined, primary: { id: string; name: string } | undefined, now: Date): string | null {
  if (!restart || !primary || restart.replicaId !== primary.id) return null;
  const until = restartHoldUntil(restart, now);
  if (!until) return null;
  const left = Math.ceil((until.getTime() - now.getTime()) / 1000);
  return `${primary.name}'s agent is restarting its crashed server in place; waiting up to ${left} s more for it before failing over`;
}
