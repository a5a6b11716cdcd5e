import { writeReplicaLapse } from "./lease-lapse";
import { type AutomationSnapshot, windowMs } from "./snapshot";

/**
 * The next moment after `now` at which a decision about the service's write
 * replica can change by the clock alone, with no new report: its own
 * reports turn stale, a witness's run of failures reaches the window, or its
 * lease lapses (margin included). The decider wakes then instead of at its
 * next tick, so a confirmed loss is acted on when it is confirmed; waking
 * early decides nothing new, so the moments need not be exact, only never
 * later than the change. Null when nothing is pending.
 */
export function decisionDueAt(snapshot: AutomationSnapshot, now: Date): Date | null {
  const primary = snapshot.replicas.find((replica) => replica.id === snapshot.writeReplicaId);
  if (!primary) return null;
  const window = windowMs(snapshot.policy);
  const moments: number[] = [];
  // Silent only once strictly more than the window has passed (isSilent).
  if (primary.lastReportAt) moments.push(primary.lastReportAt.getTime() + window + 1);
  for (const link of snapshot.witnesses) {
    if (link.toReplicaId === primary.id && !link.reachable && link.unreachableSince) moments.push(link.unreachableSince.getTime() + window);
  }
  const lapse = writeReplicaLapse(snapshot, now)?.lapse;
  if (lapse?.lapsesAt) moments.push(lapse.lapsesAt.getTime());
  const future = moments.filter((moment) => moment > now.getTime());
  return future.length ? new Date(Math.min(...future)) : null;
}
