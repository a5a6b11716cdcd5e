import { performance } from "node:perf_hooks";
import { decideEarlyProbe } from "@/core/agents/early-probe";

/**
 * A witness's early probe (core/agents/early-probe), for either engine's kept
 * peer connections: told when one ends, it asks the agent to probe and report
 * now if the table says so.
 */
export class EarlyProbeTrigger {
  private probedAt: number | null = null;

  constructor(private readonly probeNow?: () => void) {}

  /**
   * The handler for a kept connection's `end` and `error` events: the first
   * marks it broken (core/agents/probe-connection then replaces it) and may
   * probe early; `current` says whether it is still the one kept for its peer.
   */
  onEnd(connection: { broken: boolean; lastProbeSucceeded: boolean }, current: () => boolean): () => void {
    return () => {
      if (connection.broken) return;
      connection.broken = true;
      this.connectionEnded({ current: current(), lastProbeSucceeded: connection.lastProbeSucceeded });
    };
  }

  private connectionEnded(facts: { current: boolean; lastProbeSucceeded: boolean }): void {
    if (!this.probeNow) return;
    const now = performance.now();
    const rule = decideEarlyProbe({ ...facts, msSinceEarlyProbe: this.probedAt === null ? null : now - this.probedAt });
    if (!rule.probeNow) return;
    this.probedAt = now;
    this.probeNow();
  }
}
