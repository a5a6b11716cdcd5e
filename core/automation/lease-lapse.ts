import { type LeaseLapse, primaryLeaseLapse } from "../replication/lease-lapse";
import { type AutomationSnapshot, windowMs } from "./snapshot";

/** The write replica's lease as the snapshot shows it: when it lapses, or why that cannot be known; null without a write replica. */
export function writeReplicaLapse(snapshot: AutomationSnapshot, now: Date): { primary: { id: string; name: string }; lapse: LeaseLapse } | null {
  const primary = snapshot.replicas.find((replica) => replica.id === snapshot.writeReplicaId);
  if (!primary) return null;
  const lapse = primaryLeaseLapse({
    primaryId: primary.id,
    primaryName: primary.name,
    grant: snapshot.primaryLease,
    witnesses: snapshot.witnesses,
    nameOf: (id) => snapshot.replicas.find((replica) => replica.id === id)?.name,
    now,
    windowMs: windowMs(snapshot.policy),
  });
  return { primary, lapse };
}

/** A lapse the control plane must write down: the primary it concerns, when its lease ended, and why that is known. */
export interface LapseToRecord {
  replicaId: string;
  replicaName: string;
  /** The grant that lapsed (a renewal since makes the record moot). */
  renewedAt: Date;
  endedAt: Date;
  sentence: string;
}

/**
 * The write replica's lease, once it has lapsed (margin included) with no
 * renewal since and no record of it yet: from its end on, the primary must
 * be assumed fenced (by its agent) or dead, whether or not its agent ever
 * comes back to say so (design rule "everything-audited"). Unknowable while a witness may still
 * renew it, and nothing to record for a replica that never held one.
 */
export function lapseToRecord(snapshot: AutomationSnapshot, now: Date): LapseToRecord | null {
  const grant = snapshot.primaryLease;
  const found = writeReplicaLapse(snapshot, now);
  if (!grant || grant.lapseRecordedAt !== null || !found) return null;
  const { primary, lapse } = found;
  if (lapse.lapsesAt === null || lapse.lapsesAt > now) return null;
  return {
    replicaId: primary.id,
    replicaName: primary.name,
    renewedAt: grant.renewedAt,
    endedAt: lapse.endsAt,
    sentence: `nothing renewed ${primary.name}'s lease: ${lapse.sentence}; from ${lapse.endsAt.toISOString()} it must be assumed fenced by its agent or dead`,
  };
}
