import { formatSeconds } from "../format";
import { leaseLapseMarginMs, WITNESS_VOUCH_WITHIN_MS } from "../policy/budgets";
import type { WitnessLink } from "./witness-link";

/** The old primary's lease as the control plane last granted it; null when it never was. */
export interface GrantedLease {
  renewedAt: Date;
  periodMs: number;
  /** The replicas (names) in other regions whose vouches its agent counts: the signed roster of the last grant. */
  witnesses: string[];
  /** When the control plane recorded that this grant lapsed unrenewed; null while it has not. */
  lapseRecordedAt: Date | null;
}

/**
 * When another replica may be promoted at the earliest (`lapsesAt`, the
 * margin included) and when the lease itself ends at the latest (`endsAt`),
 * or why that cannot be known yet.
 */
export type LeaseLapse = { lapsesAt: Date; endsAt: Date; sentence: string } | { lapsesAt: null; sentence: string };

const at = (date: Date) => date.toISOString();

/**
 * The latest moment the old primary may still believe it holds its lease, plus
 * the margin (design rule "one-writable-primary").
 *
 * Through the control plane it holds it until renewedAt + period. Through its
 * witnesses it holds it while a majority of its peers in other regions have
 * vouched within the period; a witness vouches only from a probe that reached
 * the primary, so once it fails to reach it from `unreachableSince` on, its
 * vouches end within WITNESS_VOUCH_WITHIN_MS. The witnesses and the period
 * are the ones of the last grant, which the agent goes by (not the policy's
 * now, nor whoever happens to probe it). Every majority shares a member
 * with the failing witnesses once enough of them fail; until then, while any
 * witness still reaches it, or while a silent witness might, nobody can say
 * when the lease ends.
 */
export function primaryLeaseLapse(input: {
  primaryId: string;
  primaryName: string;
  grant: GrantedLease | null;
  witnesses: readonly WitnessLink[];
  /** Replica names by id, to match links to the witnesses the agent counts. */
  nameOf: (replicaId: string) => string | undefined;
  now: Date;
  /** Links observed longer ago than this say nothing about what the witness does now. */
  windowMs: number;
}): LeaseLapse {
  const { primaryName, grant, now, windowMs } = input;
  // Without a grant its agent never counts witnesses: only a start-up grace, which ends long before a loss is confirmed.
  if (!grant) return { lapsesAt: new Date(0), endsAt: new Date(0), sentence: `${primaryName} never held a lease` };
  const { periodMs } = grant;
  const counted = new Set(grant.witnesses);
  const links = input.witnesses.filter((link) => link.toReplicaId === input.primaryId && counted.has(input.nameOf(link.fromReplicaId) ?? ""));
  const peers = counted.size;
  const observing = links.filter((link) => now.getTime() - link.observedAt.getTime() <= windowMs);
  const reaching = observing.filter((link) => link.reachable);
  if (reaching.length > 0) {
    return { lapsesAt: null, sentence: `${reaching.length} witness${reaching.length === 1 ? "" : "es"} still reach${reaching.length === 1 ? "es" : ""} ${primaryName}, which may keep its lease through them` };
  }
  const failing = observing.filter((link) => !link.reachable && link.unreachableSince !== null);
  const majority = Math.floor(peers / 2) + 1;
  if (peers > 0 && failing.length + majority <= peers) {
    return { lapsesAt: null, sentence: `only ${failing.length} of ${primaryName}'s ${peers} witnesses in other regions fail to reach it: a majority without them could still renew its lease` };
  }
  const spans = [
    { from: grant.renewedAt.getTime(), span: periodMs },
    ...failing.map((link) => ({ from: link.unreachableSince!.getTime(), span: WITNESS_VOUCH_WITHIN_MS + periodMs })),
  ];
  const endsAt = new Date(Math.max(...spans.map(({ from, span }) => from + span)));
  const lapsesAt = new Date(Math.max(...spans.map(({ from, span }) => from + span + leaseLapseMarginMs(span))));
  return { lapsesAt, endsAt, sentence: `${primaryName}'s lease (${formatSeconds(periodMs / 1000)}, last renewed at ${at(grant.renewedAt)}) lapses, with the margin, at ${at(lapsesAt)}` };
}
