import "server-only";
import { lapseToRecord } from "@/core/automation/lease-lapse";
import { type GrantedLease, type LeaseLapse, primaryLeaseLapse } from "@/core/replication/lease-lapse";
import { type AutomationSnapshot, windowMs } from "@/core/automation/snapshot";
import { automationSnapshot } from "../automation-snapshot/automation-snapshots";
import type { Tx } from "../db/transaction";
import { grantedLease } from "../primary-lease/primary-leases";

/** When the old primary's lease lapses, judged on a snapshot and a grant. */
function lapseOf(snapshot: AutomationSnapshot, primaryId: string, grant: GrantedLease | null, now: Date): LeaseLapse {
  const primary = snapshot.replicas.find((replica) => replica.id === primaryId);
  if (!primary) return { lapsesAt: new Date(0), endsAt: new Date(0), sentence: "the old primary is no longer in the topology" };
  return primaryLeaseLapse({
    primaryId,
    primaryName: primary.name,
    grant,
    witnesses: snapshot.witnesses,
    nameOf: (id) => snapshot.replicas.find((replica) => replica.id === id)?.name,
    now,
    windowMs: windowMs(snapshot.policy),
  });
}

/** Whether a lapse allows promoting now; the sentence says what is waited for otherwise. */
export const stillHeld = (lapse: LeaseLapse, now: Date): string | null => (lapse.lapsesAt !== null && lapse.lapsesAt <= now ? null : lapse.sentence);

/**
 * When the run's old primary stops taking writes by itself: its lease as the
 * control plane last granted it and as its witnesses may still vouch for it.
 * `recheck` reads the grant again in the promotion's transaction: after that
 * transaction's update of the service row no renewal can slip in unseen.
 * `toRecord`: the lapse the promotion relies on, for the audit trail, unless
 * the decider has recorded it already.
 */
export async function oldPrimaryLease(serviceId: string, primaryId: string, now: Date) {
  const [snapshot, grant] = await Promise.all([automationSnapshot(serviceId, now), grantedLease(primaryId)]);
  return {
    lapse: lapseOf(snapshot, primaryId, grant, now),
    toRecord: snapshot.writeReplicaId === primaryId ? lapseToRecord(snapshot, now) : null,
    recheck: async (tx: Tx) => lapseOf(snapshot, primaryId, await grantedLease(primaryId, tx), now),
  };
}
