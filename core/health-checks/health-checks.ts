import type { HealthQuery } from "./health-query";

/**
 * What an agent's health endpoints answer (agents/README.md, "Health
 * endpoints"): a pure function of what the agent knows in memory, on its
 * monotonic clock (milliseconds). Paths are Patroni's, so that HAProxy,
 * keepalived and cloud load balancers configured for Patroni work unchanged.
 */

/** The agent's latest probe of its own server. */
export interface ServerObservation {
  /** When the probe started. */
  at: number;
  reachable: boolean;
  error: string | null;
  role: "primary" | "standby" | null;
  /** New transactions are read-only (default_transaction_read_only or transaction_read_only on); null when not known. */
  readOnly: boolean | null;
  /** A standby's WAL receiver streams from its upstream. */
  streaming: boolean;
  lagBytes: number | null;
  lagSeconds: number | null;
}

/**
 * The self-fencing lease as the lease keeper decides it at this moment, with
 * the same decision (decideLease) that makes it fence: the lease stops being
 * held here exactly when the keeper starts its fence. `kept: false`: this
 * agent keeps no lease (no commands section, or a simulated replica).
 */
export type LeaseView =
  | { kept: false }
  | { kept: true; held: boolean; rule: string; sentence: string; expiresAt: string | null };

export interface HealthFacts {
  now: number;
  /** An observation older than this says nothing about now: the agent's loop is stuck. */
  staleAfterMs: number;
  observation: ServerObservation | null;
  /**
   * Why the server may no longer be as observed: a command that changes its
   * role or writability (fence, promote, repoint, rewind, unfence) is
   * running, or ended after the latest probe started. Null otherwise.
   */
  serverChanging: string | null;
  lease: LeaseView;
  /**
   * The control plane's last word on the lease: it granted it (this replica
   * is the service's write replica), refused it (with its reason), or has
   * not answered this primary yet.
   */
  controlPlane: { word: "granted" } | { word: "refused"; reason: string } | { word: "none" };
  /** The newest fencing epoch the agent has heard of; null if none. */
  epoch: number | null;
  /**
   * How the service's write replica counts this standby, as the control
   * plane last told the agent (in its answer to a report batch); null until
   * it has.
   */
  syncWord: SyncWord | null;
}

/**
 * A standby cannot see its primary's pg_stat_replication: the control plane
 * passes on what the write replica last reported of it. `heardAt` is when,
 * on the agent's monotonic clock, the write replica's report was received
 * (the answer's arrival less the report's age), so that a word relayed from
 * an old report is as old as that report.
 */
export interface SyncWord {
  syncState: StandbySyncState;
  heardAt: number;
}

/** `sync`: counted towards confirming commits; `async`: streaming but not counted; `unlisted`: the primary does not list it among its standbys. */
export type StandbySyncState = "sync" | "async" | "unlisted";

/**
 * What PostgreSQL's pg_stat_replication.sync_state on the primary means for
 * a standby: `sync` and `quorum` confirm commits; `async` and `potential`
 * (next in line, not confirming now) do not; no row means the primary does
 * not stream to it at all (it is cascaded, or follows someone else).
 */
export function standbySyncState(reported: string | null | undefined): StandbySyncState {
  if (reported === "sync" || reported === "quorum") return "sync";
  if (reported === "async" || reported === "potential") return "async";
  return "unlisted";
}

export type HealthCheckId =
  | "observed"
  | "server-answers"
  | "server-steady"
  | "is-primary"
  | "accepts-writes"
  | "write-replica"
  | "lease-held"
  | "is-standby"
  | "streaming"
  | "lag-bytes-within"
  | "lag-seconds-within"
  | "sync-word-current"
  | "sync-standby"
  | "async-standby";

interface HealthCheck {
  sentence: string;
  /** Why the check fails, or null when it passes. */
  fails(facts: HealthFacts, query: HealthQuery): string | null;
}

const role = (facts: HealthFacts) => facts.observation?.role ?? null;

/** The checks, each with one sentence saying what it requires. */
export const HEALTH_CHECKS: Record<HealthCheckId, HealthCheck> = {
  observed: {
    sentence: "The agent probed its server within the staleness limit (its loop is running).",
    fails: ({ observation, now, staleAfterMs }) => {
      if (!observation) return "the agent has not probed its server yet";
      const age = now - observation.at;
      return age > staleAfterMs ? `the agent's latest probe of its server started ${Math.round(age)} ms ago (stale after ${staleAfterMs} ms)` : null;
    },
  },
  "server-answers": {
    sentence: "The server answered the agent's latest probe.",
    fails: ({ observation }) => (observation!.reachable ? null : `the server does not answer the agent: ${observation!.error ?? "unknown error"}`),
  },
  "server-steady": {
    sentence: "No command that changes the server's role or writability is running or has ended since the latest probe started.",
    fails: ({ serverChanging }) => serverChanging,
  },
  "is-primary": {
    sentence: "The server is a primary (not in recovery).",
    fails: (facts) => (role(facts) === "primary" ? null : `the server is ${role(facts) === "standby" ? "a standby" : "of unknown role"}, not a primary`),
  },
  "accepts-writes": {
    sentence: "The server's new transactions are not read-only.",
    fails: ({ observation }) => (observation!.readOnly === false ? null : observation!.readOnly ? "the server is read-only (fenced)" : "whether the server is read-only is not known"),
  },
  "write-replica": {
    sentence: "The control plane's last answer to this primary's lease request granted it: this replica is the service's write replica.",
    fails: ({ controlPlane, epoch }) => {
      if (controlPlane.word === "granted") return null;
      if (controlPlane.word === "refused") return `the control plane refused this primary the lease${epoch === null ? "" : ` (epoch ${epoch})`}: ${controlPlane.reason}`;
      return "the control plane has not granted this primary the lease yet";
    },
  },
  "lease-held": {
    sentence: "The self-fencing lease is held now, by the same decision that fences the server when it is not.",
    fails: ({ lease }) => (!lease.kept ? "this agent keeps no self-fencing lease (it has no commands section, or its replica is simulated)" : lease.held ? null : `the lease is not held: ${lease.sentence}`),
  },
  "is-standby": {
    sentence: "The server is a standby (in recovery).",
    fails: (facts) => (role(facts) === "standby" ? null : `the server is ${role(facts) === "primary" ? "a primary" : "of unknown role"}, not a standby`),
  },
  streaming: {
    sentence: "The standby's WAL receiver streams from its upstream.",
    fails: ({ observation }) => (observation!.streaming ? null : "the standby's WAL receiver is not streaming"),
  },
  "lag-bytes-within": {
    sentence: "With ?lag, the standby's lag in bytes is known and at most the limit.",
    fails: ({ observation }, { maxLagBytes }) => {
      if (maxLagBytes === null) return null;
      const lag = observation!.lagBytes;
      if (lag === null) return `the standby's lag in bytes is not known (limit ${maxLagBytes} bytes)`;
      return lag <= maxLagBytes ? null : `the standby lags ${lag} bytes, more than the limit of ${maxLagBytes}`;
    },
  },
  "lag-seconds-within": {
    sentence: "With ?max_lag_seconds, the standby's lag in seconds is known and at most the limit.",
    fails: ({ observation }, { maxLagSeconds }) => {
      if (maxLagSeconds === null) return null;
      const lag = observation!.lagSeconds;
      if (lag === null) return `the standby's lag in seconds is not known (limit ${maxLagSeconds} s)`;
      return lag <= maxLagSeconds ? null : `the standby lags ${lag} s, more than the limit of ${maxLagSeconds} s`;
    },
  },
  "sync-word-current": {
    sentence: "The control plane told the agent how the write replica counts this standby, from a report of the write replica within the staleness limit.",
    fails: ({ syncWord, now, staleAfterMs }) => {
      if (!syncWord) return "the control plane has not told the agent how the primary counts this standby";
      const age = now - syncWord.heardAt;
      return age > staleAfterMs ? `the control plane's latest word on how the primary counts this standby comes from a report ${Math.round(age)} ms old (stale after ${staleAfterMs} ms)` : null;
    },
  },
  "sync-standby": {
    sentence: "The primary counts this standby towards confirming its commits (sync or quorum).",
    fails: ({ syncWord }) => syncMismatch(syncWord!.syncState, "sync"),
  },
  "async-standby": {
    sentence: "The primary streams to this standby but does not count it towards confirming its commits (async or potential).",
    fails: ({ syncWord }) => syncMismatch(syncWord!.syncState, "async"),
  },
};

function syncMismatch(state: StandbySyncState, wanted: "sync" | "async"): string | null {
  if (state === wanted) return null;
  if (state === "unlisted") return "the primary's latest report does not list this standby among those it streams to";
  return state === "sync" ? "the primary counts this standby towards confirming commits" : "the primary does not count this standby towards confirming commits";
}

export type HealthEndpoint = "primary" | "replica" | "sync" | "async" | "health" | "liveness" | "readiness";

const BASE: HealthCheckId[] = ["observed", "server-answers", "server-steady"];
const PRIMARY: HealthCheckId[] = [...BASE, "is-primary", "accepts-writes", "write-replica", "lease-held"];
const REPLICA: HealthCheckId[] = [...BASE, "is-standby", "streaming", "lag-bytes-within", "lag-seconds-within"];

interface EndpointRow {
  paths: string[];
  sentence: string;
  /** The `why` of a 200. */
  healthy: string;
  /** 200 when every check of one of these lists passes. */
  anyOf: HealthCheckId[][];
}

/** The endpoints, by stable id: their paths (Patroni's) and when they answer 200; 503 otherwise. */
export const HEALTH_ENDPOINTS: Record<HealthEndpoint, EndpointRow> = {
  primary: {
    paths: ["/primary", "/read-write", "/leader", "/master"],
    sentence: "200 while the server is a writable primary, the control plane last granted it the lease, and the lease is held; 503 from the moment the agent decides to fence.",
    healthy: "this replica is the write replica: a writable primary that holds its lease",
    anyOf: [PRIMARY],
  },
  replica: { paths: ["/replica"], sentence: "200 for a standby that streams, within ?lag and ?max_lag_seconds when given.", healthy: "a streaming standby within the limits asked for", anyOf: [REPLICA] },
  sync: {
    paths: ["/sync", "/synchronous"],
    sentence: "200 for a streaming standby the primary counts towards confirming its commits.",
    healthy: "a streaming standby that confirms commits",
    anyOf: [[...REPLICA, "sync-word-current", "sync-standby"]],
  },
  async: {
    paths: ["/async", "/asynchronous"],
    sentence: "200 for a streaming standby the primary streams to but does not count towards confirming its commits.",
    healthy: "a streaming standby that does not confirm commits",
    anyOf: [[...REPLICA, "sync-word-current", "async-standby"]],
  },
  health: { paths: ["/health"], sentence: "200 while the server answers the agent, whatever its role.", healthy: "the server answers the agent", anyOf: [["observed", "server-answers"]] },
  liveness: { paths: ["/liveness"], sentence: "200 while the agent's loop runs, whatever the server does.", healthy: "the agent's loop runs", anyOf: [["observed"]] },
  readiness: {
    paths: ["/readiness"],
    sentence: "200 where /primary or /replica (with the same limits) would answer 200.",
    healthy: "the write replica, or a streaming standby within the limits asked for",
    anyOf: [PRIMARY, REPLICA],
  },
};

/** The endpoint a request path names, or null. */
export function healthEndpointFor(path: string): HealthEndpoint | null {
  for (const [id, row] of Object.entries(HEALTH_ENDPOINTS)) if (row.paths.includes(path)) return id as HealthEndpoint;
  return null;
}

export interface HealthAnswer {
  status: 200 | 503;
  body: {
    endpoint: HealthEndpoint;
    role: "primary" | "standby" | null;
    lagBytes: number | null;
    lagSeconds: number | null;
    lease: { held: boolean; expiresAt: string | null; rule: string | null };
    epoch: number | null;
    /** The check that failed, or null on 200. */
    check: HealthCheckId | null;
    why: string;
  };
}

/** The first check of `checks` that fails, and why; null when all pass. */
function firstFailure(checks: HealthCheckId[], facts: HealthFacts, query: HealthQuery): { check: HealthCheckId; why: string; passed: number } | null {
  for (const [index, check] of checks.entries()) {
    const why = HEALTH_CHECKS[check].fails(facts, query);
    if (why !== null) return { check, why, passed: index };
  }
  return null;
}

export function answerHealthCheck(endpoint: HealthEndpoint, facts: HealthFacts, query: HealthQuery): HealthAnswer {
  const row = HEALTH_ENDPOINTS[endpoint];
  const failures = row.anyOf.map((checks) => firstFailure(checks, facts, query));
  const passed = failures.some((failure) => failure === null);
  // Of several ways to pass, the one that got furthest says best why none did.
  const failure = passed ? null : failures.reduce((a, b) => (b!.passed > a!.passed ? b : a));
  const { observation, lease } = facts;
  return {
    status: passed ? 200 : 503,
    body: {
      endpoint,
      role: observation?.role ?? null,
      lagBytes: observation?.lagBytes ?? null,
      lagSeconds: observation?.lagSeconds ?? null,
      lease: lease.kept ? { held: lease.held, expiresAt: lease.expiresAt, rule: lease.rule } : { held: false, expiresAt: null, rule: null },
      epoch: facts.epoch,
      check: failure?.check ?? null,
      why: failure?.why ?? row.healthy,
    },
  };
}
