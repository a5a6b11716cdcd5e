/**
 * Whether a witness probe may reuse the connection it kept to a peer or must
 * drop it and open a new one. A kept connection saves the SCRAM handshake
 * and a new backend every second; what the fresh connection used to prove
 * is kept by the rest of the probe: it sends a query now and counts only
 * that query's answer within the probe's timeout, so a half-open connection
 * to a dead or frozen peer fails the probe exactly as a fresh connect did.
 * Any doubt about the connection ends it, and it is renewed now and then so
 * that TCP, TLS, authentication and a free backend slot are tried again.
 */

/** A kept connection is replaced after this long, so the peer's whole connection path is checked regularly. */
export const PROBE_CONNECTION_MAX_AGE_MS = 60_000;

export interface ProbeConnectionFacts {
  /** A connection to the peer is kept from an earlier probe. */
  kept: boolean;
  /** It was opened with the peer's current connection string (a new config may move the peer). */
  sameTarget: boolean;
  /** The socket reported an error or its end since it was opened. */
  broken: boolean;
  /** The last probe over it got its answer in time; false after an error or a timeout. */
  lastProbeSucceeded: boolean;
  /** How long ago it was opened. */
  ageMs: number;
}

export type ProbeConnectionAction = "open" | "reopen" | "reuse";

export interface ProbeConnectionRule {
  id: string;
  when: (facts: ProbeConnectionFacts) => boolean;
  action: ProbeConnectionAction;
  sentence: string;
}

/** First match wins; ids are stable (tests and logs name them). */
export const PROBE_CONNECTION_RULES: readonly ProbeConnectionRule[] = [
  { id: "none-kept", when: (facts) => !facts.kept, action: "open", sentence: "No connection to the peer is kept: open one." },
  {
    id: "target-changed",
    when: (facts) => !facts.sameTarget,
    action: "reopen",
    sentence: "The peer's connection string changed since the connection was opened: drop it and open one to the new target.",
  },
  {
    id: "socket-broken",
    when: (facts) => facts.broken,
    action: "reopen",
    sentence: "The connection reported an error or its end (the peer restarted, a keepalive failed): drop it and open a new one.",
  },
  {
    id: "last-probe-failed",
    when: (facts) => !facts.lastProbeSucceeded,
    action: "reopen",
    sentence: "The last probe over it failed or timed out, so a late answer may still be in flight: drop it and open a new one.",
  },
  {
    id: "aged-out",
    when: (facts) => facts.ageMs >= PROBE_CONNECTION_MAX_AGE_MS,
    action: "reopen",
    sentence: "It has been open for a minute: open a new one, so that connecting and authenticating to the peer are tried again.",
  },
  { id: "reuse", when: () => true, action: "reuse", sentence: "A sound connection whose last probe succeeded: send this probe's query over it." },
];

export function decideProbeConnection(facts: ProbeConnectionFacts): ProbeConnectionRule {
  return PROBE_CONNECTION_RULES.find((rule) => rule.when(facts))!;
}
