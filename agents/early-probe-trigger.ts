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

  /** A kept connection ended; `current`: it is still the one kept for its peer. */
  connectionEnded(facts: { current: boolean; lastProbeSucceeded: boolean }): void {
    if (!this.probeNow) return;
    const now = performance.now();
    const rule = decideEarlyProbe({ ...facts, msSinceEarlyProbe: this.probedAt === null ? null : now - this.probedAt });
    if (!rule.probeNow) return;
    this.probedAt = now;
    this.probeNow();
  }
}
