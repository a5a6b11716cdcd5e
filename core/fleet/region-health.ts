import { HEALTH_STATES, type Health } from "./replica-health";

// Worst first: a region is as unwell as its least well replica.
const SEVERITY: Record<Health, number> = { unhealthy: 4, stale: 3, degraded: 2, unknown: 1, healthy: 0 };

export function worstHealth(states: readonly Health[]): Health {
  return states.reduce<Health>((worst, state) => (SEVERITY[state] > SEVERITY[worst] ? state : worst), states.length ? "healthy" : "unknown");
}

export function countByHealth(states: readonly Health[]): Record<Health, number> {
  const counts = Object.fromEntries(HEALTH_STATES.map((state) => [state, 0])) as Record<Health, number>;
  for (const state of states) counts[state]++;
  return counts;
}
