/**
 * Whether a witness probes its peers at once, before its next tick, when a
 * peer closes the connection the witness keeps to it. A server that dies on a
 * host that stays up (a crash, an OOM kill, a kill -9) has its sockets closed
 * by that host at once: probing then, instead of up to one report interval
 * later, dates the witnesses' first failure — which the loss window and the
 * old primary's lease bound count from — at the crash. A lost host or a cut
 * link closes nothing; the next tick's probe finds those, as before. The
 * early probe is an ordinary probe: a peer that closed one session but still
 * answers (a fence ends every client session) is found reachable.
 */

/** A peer that keeps closing connections makes the witness probe early at most this often. */
export const EARLY_PROBE_MIN_SPACING_MS = 1_000;

export interface EarlyProbeFacts {
  /** The connection that closed is the one the witness keeps for the peer (not one it replaced or dropped itself). */
  current: boolean;
  /** The last probe over it got its answer in time. */
  lastProbeSucceeded: boolean;
  /** How long ago the witness last probed early; null if it never did. */
  msSinceEarlyProbe: number | null;
}

export interface EarlyProbeRule {
  id: string;
  when: (facts: EarlyProbeFacts) => boolean;
  probeNow: boolean;
  sentence: string;
}

/** First match wins; ids are stable (tests and logs name them). */
export const EARLY_PROBE_RULES: readonly EarlyProbeRule[] = [
  {
    id: "connection-let-go",
    when: (facts) => !facts.current,
    probeNow: false,
    sentence: "The witness had let go of the connection itself (replaced, dropped or closing): its end says nothing about the peer.",
  },
  {
    id: "already-failing",
    when: (facts) => !facts.lastProbeSucceeded,
    probeNow: false,
    sentence: "The last probe over it failed: that failure is reported already, and the next tick probes again on a new connection.",
  },
  {
    id: "probed-early-lately",
    when: (facts) => facts.msSinceEarlyProbe !== null && facts.msSinceEarlyProbe < EARLY_PROBE_MIN_SPACING_MS,
    probeNow: false,
    sentence: "The witness probed early less than a second ago: a peer (or a proxy) that keeps closing connections must not make it probe in a loop; the next tick probes.",
  },
  {
    id: "peer-closed-connection",
    when: () => true,
    probeNow: true,
    sentence: "The peer closed a sound connection whose last probe succeeded, as a host does when the server on it dies: probe and report now.",
  },
];

export function decideEarlyProbe(facts: EarlyProbeFacts): EarlyProbeRule {
  return EARLY_PROBE_RULES.find((rule) => rule.when(facts))!;
}
