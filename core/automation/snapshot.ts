import type { MaintenanceWindow } from "@/contracts/policy";
import { stalenessWindowMs } from "../policy/budgets";
import type { InPlaceRestartHeard } from "../agents/in-place-restart";
import type { GrantedLease } from "../replication/lease-lapse";
import type { WitnessLink } from "../replication/witness-link";
import type { Promotion } from "./promotion";
import type { DatasetSnapshot } from "../runbooks/snapshot";
import type { TopologyReplica } from "../topology/service-topology";

/** A replica as the automation sees it: what a runbook sees, plus the timing and positions detection needs. */
export type AutomationReplica = Omit<TopologyReplica, "reasons" | "page" | "standbys" | "slots" | "settings">;

export interface ActiveRun {
  id: string;
  runbookId: string;
  status: string;
}

/** Operators' brakes on automation (pauses, acknowledgements) and the promotions a cooldown runs from, as stored. */
export interface AutomationControls {
  paused: { reason: string; until: Date | null } | null;
  /** The newest promotion of each kind: unplanned (a failover, automatic or guided) and planned (a switchover run on purpose). */
  lastPromotions: Record<Promotion, { at: Date } | null>;
  acknowledgedAt: Date | null;
  /** The newest automatic run a pre-failover gate refused (it ended aborted), with the gate's message. */
  gateRefusal?: { at: Date; runId: string; error: string | null } | null;
}

export const NO_CONTROLS: AutomationControls = { paused: null, lastPromotions: { planned: null, unplanned: null }, acknowledgedAt: null };

/** The effective policy's thresholds the automation reads. */
export interface AutomationPolicy {
  version: number | null;
  /** The stored policy version, for the records of what was decided under it. */
  versionId: string | null;
  heartbeatIntervalSeconds: number;
  missesBeforeUnfit: number;
  witnessQuorum: number;
  automatic: boolean;
  maxLagBytes: number;
  cooldownSeconds: number;
  /** Whether a planned switchover starts the cooldown as a failover does. */
  cooldownAfterSwitchover: boolean;
  maintenanceWindows: MaintenanceWindow[];
}

/** Everything one decision looks at, read in one go; judged with one `now`. */
export interface AutomationSnapshot {
  serviceId: string;
  epoch: number;
  writeReplicaId: string | null;
  datasets: DatasetSnapshot[];
  replicas: AutomationReplica[];
  /** The witness links into the write replica: the automation judges only the primary by what its witnesses see. */
  witnesses: WitnessLink[];
  activeRuns: ActiveRun[];
  /** The write replica's lease as the control plane last granted it. */
  primaryLease: GrantedLease | null;
  /** The write replica's in-place restart its agent reports under way, heard within the hold (core/agents/in-place-restart); absent or null when none. */
  inPlaceRestart?: InPlaceRestartHeard | null;
  controls: AutomationControls;
  policy: AutomationPolicy;
}

/** How long a replica may stay silent, and a witness keep failing, before either counts: heartbeat × misses. */
export function windowMs(policy: AutomationPolicy): number {
  return stalenessWindowMs({ intervalSeconds: policy.heartbeatIntervalSeconds, missesBeforeUnfit: policy.missesBeforeUnfit });
}
