import "server-only";
import { type LeaseLapse, primaryLeaseLapse } from "@/core/automation/primary-lease";
import { windowMs } from "@/core/automation/snapshot";
import { automationSnapshot } from "../automation/automation-snapshot";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { grantedLease } from "../primary-lease/primary-leases";

/**
 * When the run's old primary stops taking writes by itself: its lease as the
 * control plane last granted it and as its witnesses may still vouch for it.
 * Read before every promotion that no fence command made safe, and again in
 * the promotion's transaction (pass it): after that transaction's update of
 * the service row no renewal can slip in unseen.
 */
export async function oldPrimaryLeaseLapse(serviceId: string, primaryId: string, now: Date, client: Tx = db()): Promise<LeaseLapse> {
  const [snapshot, grant] = await Promise.all([
    automationSnapshot(serviceId, now),
    grantedLease(primaryId, client),
  ]);
  const primary = snapshot.replicas.find((replica) => replica.id === primaryId);
  if (!primary) return { lapsesAt: new Date(0), sentence: "the old primary is no longer in the topology" };
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
