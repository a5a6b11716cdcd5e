import { performance } from "node:perf_hooks";
import type { IngestResult } from "@/contracts/agent-reports";
import type { HealthFacts, ServerObservation, SyncWord } from "@/core/health-checks/health-checks";
import type { ReplicaObservation } from "../adapters/engine-adapter";
import type { PrimaryLeaseKeeper } from "../primary-lease/primary-lease-keeper";
import type { ServerChanges } from "./server-changes";

export interface HealthStateOptions {
  /** How old the agent's latest probe may be before it says nothing about now. */
  staleAfterMs: number;
  changes: ServerChanges;
  /** Null when the agent keeps no lease. */
  keeper: Pick<PrimaryLeaseKeeper, "healthView"> | null;
  /** The newest epoch the agent accepted a command from; null without commands. */
  commandEpoch: () => number | null;
  monotonic?: () => number;
}

/** The probe as the health checks read it. */
export function serverObservation(observation: ReplicaObservation, at: number): ServerObservation {
  const { default_transaction_read_only: byDefault, transaction_read_only: now } = observation.settings;
  const readOnly = byDefault === null && now === null ? null : byDefault === "on" || now === "on";
  return {
    at,
    reachable: observation.reachable,
    error: observation.error,
    role: observation.role,
    readOnly,
    streaming: observation.walReceiver?.status === "streaming",
    lagBytes: observation.lag.bytes,
    lagSeconds: observation.lag.seconds,
  };
}

/**
 * What the health endpoints answer from, all in memory: the agent's latest
 * probe (the loop records it), the commands changing the server, and the
 * lease keeper's decision taken at the moment of the check. No check queries
 * the server.
 */
export class HealthState {
  private observation: ServerObservation | null = null;
  private syncWord: SyncWord | null = null;
  private readonly monotonic: () => number;

  constructor(private readonly options: HealthStateOptions) {
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  /** The agent's latest probe, which started at `at` on the monotonic clock. */
  observed(observation: ReplicaObservation, at: number): void {
    this.observation = serverObservation(observation, at);
  }

  /**
   * What the control plane answered to a report batch about this standby: a
   * null word (this replica is the write replica, or the control plane has
   * no current word) forgets the last one, so that a standby promoted since
   * stops answering /sync at once.
   */
  heardFromControlPlane(standby: IngestResult["standby"]): void {
    this.syncWord = standby && { syncState: standby.syncState, heardAt: this.monotonic() - standby.primaryReportAgeMs };
  }

  facts(): HealthFacts {
    const { keeper, changes, commandEpoch, staleAfterMs } = this.options;
    const kept = keeper?.healthView() ?? { lease: { kept: false } as const, controlPlane: { word: "none" } as const, epoch: null };
    const epochs = [kept.epoch, commandEpoch()].filter((epoch): epoch is number => epoch !== null && epoch > 0);
    return {
      now: this.monotonic(),
      staleAfterMs,
      observation: this.observation,
      serverChanging: this.observation ? changes.since(this.observation.at) : null,
      lease: kept.lease,
      controlPlane: kept.controlPlane,
      epoch: epochs.length > 0 ? Math.max(...epochs) : null,
      syncWord: this.syncWord,
    };
  }
}
