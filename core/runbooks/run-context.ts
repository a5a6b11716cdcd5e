import type { AgentCommandKind } from "@/contracts/agent-commands";
import type { ServiceGates } from "../hooks/runbook-hooks";

/** An undo registered by a step that succeeded, run in reverse order if the run fails or is aborted. */
export interface Compensation {
  stepId: string;
  command: AgentCommandKind;
  args: Record<string, unknown>;
  replicaIds: string[];
}

/** What a run resolved when it started and learnt as it went; kept on the run row. */
export interface RunContext {
  primaryId: string | null;
  targetId: string | null;
  otherIds: string[];
  /** The fenced primary's final WAL position (decimal), once the fence step reported it. */
  fencedLsn: string | null;
  compensations: Compensation[];
  /** The service's gates as the hooks configuration had them when the run started. */
  gates: ServiceGates;
  /**
   * Set when a plan or a drill schedule started the run: who confirmed in
   * advance what the run's manual steps ask (by starting the plan after its
   * dry run, or by creating the schedule).
   */
  confirmedInAdvance: string | null;
  /** Set on a run the control plane started at its scheduled time. */
  schedule?: RunSchedule;
}

/** Who scheduled a run and for when: their scheduling confirmed its manual steps. */
export interface RunSchedule {
  by: string;
  scheduledAt: string;
}

export const EMPTY_RUN_CONTEXT: RunContext = { primaryId: null, targetId: null, otherIds: [], fencedLsn: null, compensations: [], gates: { "pre-failover": null, "post-failover": null }, confirmedInAdvance: null };
