/**
 * The timing a link imposes, as Linux's TCP would produce it on a path with
 * that latency and loss. Applications never see loss itself, only its cost:
 * handshakes retried after 1, 2, 4… s, data retransmitted after a round trip
 * plus 200 ms and then twice as long each time, everything behind a lost
 * chunk waiting for it.
 */

/** Linux: the first SYN retransmission after 1 s, then doubling, 6 retries (tcp_syn_retries). */
export const SYN_ATTEMPTS_AT_MS: readonly number[] = [0, 1_000, 3_000, 7_000, 15_000, 31_000, 63_000];
/** connect() fails 64 s after the last SYN: 127 s in all. */
export const CONNECT_GIVES_UP_AT_MS = 127_000;

/** Linux's minimum retransmission timeout margin (TCP_RTO_MIN) and its ceiling (TCP_RTO_MAX). */
const RTO_MIN_MS = 200;
const RTO_MAX_MS = 120_000;
/** tcp_retries2: the connection is reset when a segment is lost this many times more. */
const MAX_RETRANSMISSIONS = 15;

/**
 * How long a chunk waits for its retransmissions: each transmission is lost
 * with probability `loss`; the first retry comes a round trip plus 200 ms
 * later, each further one after twice the previous wait. Null when TCP would
 * give up and reset the connection.
 */
export function retransmissionDelayMs(loss: number, roundTripMs: number, random: () => number): number | null {
  if (loss <= 0) return 0;
  let waited = 0;
  let timeout = roundTripMs + RTO_MIN_MS;
  for (let retransmissions = 0; random() < loss; retransmissions += 1) {
    if (retransmissions === MAX_RETRANSMISSIONS) return null;
    waited += timeout;
    timeout = Math.min(timeout * 2, RTO_MAX_MS);
  }
  return waited;
}

/** Whether one handshake attempt gets through: a cut link or an unknown destination loses every one. */
export function handshakeGetsThrough(open: boolean, loss: number, random: () => number): boolean {
  return open && (loss <= 0 || random() >= loss);
}

export interface Transmission {
  /** When the chunk reached the proxy. */
  arrivedAt: number;
  /**
   * When the sender could first have sent anything: a real connect() returns
   * a round trip after the SYN, but the proxy's local one returns at once, so
   * data a client sends "too early" counts as sent then.
   */
  sendableAt: number;
  delayMs: number;
  retransmissionMs: number;
  /** When the chunk ahead of it in the same direction is written. */
  previousReleaseAt: number;
}

/** When a chunk may be written on: one-way delay and retransmissions later, and in order, never before the chunk ahead. */
export function releaseTime(transmission: Transmission): number {
  const sent = Math.max(transmission.arrivedAt, transmission.sendableAt);
  return Math.max(sent + transmission.delayMs + transmission.retransmissionMs, transmission.previousReleaseAt);
}
