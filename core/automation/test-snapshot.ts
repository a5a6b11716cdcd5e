import type { WitnessLink } from "../replication/witness-link";
import type { AutomationReplica, AutomationSnapshot } from "./snapshot";
import { NO_CONTROLS } from "./snapshot";

/** The `now` every automation test judges at; the policy window is 1 s × 5 misses. */
export const NOW = new Date("2025-06-01T03:00:00.000Z");
export const ago = (ms: number) => new Date(NOW.getTime() - ms);

const replica = (fields: Partial<AutomationReplica> & Pick<AutomationReplica, "id" | "name" | "regionId" | "jurisdiction">): AutomationReplica => ({
  role: "standby",
  replication: "async",
  promotionPriority: 50,
  noPromote: false,
  hasAgent: true,
  health: "healthy",
  reachable: true,
  reportedRole: "standby",
  walReceiverStatus: "streaming",
  syncState: "async",
  lagBytes: 0,
  replayedLsn: 1000n,
  lastReportAt: ago(1000),
  lagSeconds: 0,
  currentLsn: null,
  flushedLsn: 1000n,
  readOnly: false,
  synchronousStandbyNames: null,
  ...fields,
});

const witness = (from: AutomationReplica, to: AutomationReplica): WitnessLink => ({
  fromReplicaId: from.id,
  fromRegionId: from.regionId,
  toReplicaId: to.id,
  reachable: true,
  unreachableSince: null,
  observedAt: ago(1000),
});

/**
 * The demo service, healthy at {@link NOW}: a US primary at LSN 1000, a sync
 * EU standby with everything, an async EU standby 4 KiB behind; each agent
 * witnesses the others.
 */
export function healthySnapshot(): AutomationSnapshot {
  const primary = replica({
    id: "p",
    name: "pg-us-east-1",
    regionId: "aws:us-east-1",
    jurisdiction: "US",
    role: "primary",
    replication: "sync",
    promotionPriority: 100,
    reportedRole: "primary",
    walReceiverStatus: null,
    syncState: null,
    lagBytes: null,
    lagSeconds: null,
    replayedLsn: null,
    flushedLsn: null,
    currentLsn: 1000n,
    readOnly: false,
  });
  const sync = replica({ id: "e", name: "pg-eu-west-1", regionId: "aws:eu-west-1", jurisdiction: "EU", replication: "sync", promotionPriority: 90, syncState: "sync" });
  const async = replica({ id: "g", name: "pg-europe-west3", regionId: "gcp:europe-west3", jurisdiction: "EU", lagBytes: 4096, flushedLsn: 900n, replayedLsn: 900n });
  const replicas = [primary, sync, async];
  return {
    serviceId: "orders-db",
    epoch: 1,
    writeReplicaId: "p",
    datasets: [
      { name: "orders", consistency: "strong", residency: { jurisdictions: ["EU", "US"], regions: [] } },
      { name: "order-history", consistency: "eventual", residency: null },
    ],
    replicas,
    witnesses: replicas.flatMap((from) => replicas.filter((to) => to !== from).map((to) => witness(from, to))),
    activeRuns: [],
    primaryLease: { renewedAt: ago(1000), periodMs: 5000, witnesses: ["pg-eu-west-1", "pg-europe-west3"], lapseRecordedAt: null },
    controls: NO_CONTROLS,
    policy: { version: 1, versionId: "policy-version-1", heartbeatIntervalSeconds: 1, missesBeforeUnfit: 5, witnessQuorum: 2, automatic: true, maxLagBytes: 1024 * 1024, cooldownSeconds: 900, cooldownAfterSwitchover: false, maintenanceWindows: [] },
  };
}

/**
 * The primary went silent `silentMs` ago and every witness has failed to
 * reach it since `unreachableMs` ago (and still observes it now).
 */
export function primaryLost(silentMs: number, unreachableMs: number, snapshot = healthySnapshot()): AutomationSnapshot {
  return {
    ...snapshot,
    replicas: snapshot.replicas.map((r) => (r.id === snapshot.writeReplicaId ? { ...r, lastReportAt: ago(silentMs), health: "stale" } : r)),
    primaryLease: { ...snapshot.primaryLease!, renewedAt: ago(silentMs) },
    witnesses: snapshot.witnesses.map((link) =>
      link.toReplicaId === snapshot.writeReplicaId ? { ...link, reachable: false, unreachableSince: ago(unreachableMs), observedAt: ago(500) } : link,
    ),
  };
}

/** The snapshot with one replica's fields changed. */
export function withReplica(snapshot: AutomationSnapshot, id: string, fields: Partial<AutomationReplica>): AutomationSnapshot {
  return { ...snapshot, replicas: snapshot.replicas.map((r) => (r.id === id ? { ...r, ...fields } : r)) };
}
