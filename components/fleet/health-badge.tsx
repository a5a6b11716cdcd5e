import type { Health } from "@/core/fleet/replica-health";
import { Badge, type Tone } from "@/components/ui/badge";

/** Each state has a colour, an icon and a word, so no reader depends on colour alone. */
export const HEALTH_LOOK: Record<Health, { tone: Tone; icon: string; label: string }> = {
  healthy: { tone: "ok", icon: "✓", label: "healthy" },
  degraded: { tone: "warn", icon: "▲", label: "degraded" },
  unhealthy: { tone: "bad", icon: "✕", label: "unhealthy" },
  stale: { tone: "neutral", icon: "◷", label: "stale" },
  unknown: { tone: "neutral", icon: "?", label: "unknown" },
};

export function HealthBadge({ health, title }: { health: Health; title?: string }) {
  const look = HEALTH_LOOK[health];
  return (
    <Badge tone={look.tone} title={title}>
      <span aria-hidden="true">{look.icon}</span>
      {look.label}
    </Badge>
  );
}
