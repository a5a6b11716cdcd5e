import type { Health } from "@/core/fleet/replica-health";
import { WORST_FIRST } from "@/core/fleet/service-summary";
import { HEALTH_LOOK } from "./health-badge";

/** "1 ✕ unhealthy · 9 ✓ healthy": the states that have replicas, worst first, so the eye lands on what needs doing. */
export function HealthCounts({ counts, label = "replicas" }: { counts: Partial<Record<Health, number>>; label?: string }) {
  const present = WORST_FIRST.filter((state) => (counts[state] ?? 0) > 0);
  if (!present.length) return <span className="muted">no {label}</span>;
  return (
    <ul className="health-counts" aria-label={`${label} by health`}>
      {present.map((state) => (
        <li key={state} className={`health-count health-count-${state}`}>
          <strong>{counts[state]}</strong> <span aria-hidden="true">{HEALTH_LOOK[state].icon}</span> {HEALTH_LOOK[state].label}
        </li>
      ))}
    </ul>
  );
}
