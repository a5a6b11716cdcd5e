import { votes, votingLinks, type VoterReplica } from "../fleet/witness-votes";
import { formatSeconds } from "../format";
import type { WitnessLink } from "./witness-link";

/** The primary as loss detection reads it: who it is and what its own agent last said. */
export interface ObservedPrimary {
  id: string;
  name: string;
  regionId: string;
  /** When the control plane last received a report from its agent; null if never. */
  lastReportAt: Date | null;
  /** Whether its agent reached it in that report. */
  reachable: boolean | null;
}

/**
 * `heard`: the primary's own agent reports in time that it answers.
 * `unconfirmed`: nothing fresh from the server itself, but no agreement that it is gone.
 * `confirmed`: lost, by agreement; the only state anything may fail over from.
 */
export type PrimaryLoss = { state: "heard" | "unconfirmed" | "confirmed"; sentence: string };

export interface PrimaryLossInput {
  primary: ObservedPrimary;
  /** The service's replicas: only their links may vote (core/fleet/witness-votes). */
  replicas: readonly VoterReplica[];
  witnesses: readonly WitnessLink[];
  /** Heartbeat interval × misses: how long a report stays fresh, and a witness must keep failing. */
  windowMs: number;
  /** The policy's witness quorum, in regions. */
  quorum: number;
  now: Date;
}

const seconds = (ms: number) => formatSeconds(Math.round(ms / 100) / 10);

/** No report from the replica's agent within the window (or never one). */
export function isSilent(replica: { lastReportAt: Date | null }, now: Date, windowMs: number): boolean {
  return replica.lastReportAt === null || now.getTime() - replica.lastReportAt.getTime() > windowMs;
}

/** Nothing fresh from the server itself: its agent is silent, or says the server does not answer. */
function unheard(primary: ObservedPrimary, now: Date, windowMs: number): string | null {
  if (primary.lastReportAt === null) return `${primary.name} has never reported`;
  if (isSilent(primary, now, windowMs)) {
    return `${primary.name}'s reports stopped ${seconds(now.getTime() - primary.lastReportAt.getTime())} ago (stale after ${seconds(windowMs)})`;
  }
  if (primary.reachable === false) return `${primary.name}'s agent reports that it does not answer`;
  return null;
}

/**
 * The primary is lost only on agreement (design rule "unfit-only-on-agreement"):
 * nothing fresh from the server itself (its agent silent for the window, or
 * saying the server does not answer), and a quorum of witnesses in other
 * regions, still observing, have failed to reach it without a break for the
 * window. Silence alone means the control plane lost contact, not that the
 * primary died; a witness that still reaches it vetoes; a link nobody has
 * refreshed within the window says nothing about now. Only links that may
 * vote count, one vote per region. The automation's diagnosis and the
 * runbooks' `primary-unreachable` condition both ask this one question.
 */
export function primaryLoss(input: PrimaryLossInput): PrimaryLoss {
  const { primary, now, windowMs, quorum } = input;
  const silence = unheard(primary, now, windowMs);
  if (silence === null) return { state: "heard", sentence: `${primary.name} answers its agent, which reported within ${seconds(windowMs)}` };
  const observing = votingLinks(input.witnesses, primary, input.replicas).filter((link) => now.getTime() - link.observedAt.getTime() <= windowMs);
  const reaching = votes(observing.filter((link) => link.reachable));
  const confirming = votes(
    observing.filter((link) => !link.reachable && link.unreachableSince !== null && now.getTime() - link.unreachableSince.getTime() >= windowMs),
  );
  if (reaching > 0) {
    return {
      state: "unconfirmed",
      sentence: `${silence}, but ${reaching} witness${reaching === 1 ? "" : "es"} in other regions still reach${reaching === 1 ? "es" : ""} it: the control plane lost contact with its agent`,
    };
  }
  if (confirming < quorum) {
    return {
      state: "unconfirmed",
      sentence: `${silence}, but only ${confirming} of the ${quorum} witnesses in other regions the quorum needs have failed to reach it for ${seconds(windowMs)}`,
    };
  }
  return { state: "confirmed", sentence: `${silence}, and ${confirming} witnesses in other regions (quorum ${quorum}) have failed to reach it for at least ${seconds(windowMs)}` };
}
