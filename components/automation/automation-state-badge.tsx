import type { AutomationState } from "@/core/fleet/automation-state";
import { Badge, type Tone } from "@/components/ui/badge";

/** Each state has a tone, an icon and a word, so no reader depends on colour alone. */
const LOOK: Record<AutomationState, { tone: Tone; icon: string; label: string }> = {
  on: { tone: "ok", icon: "●", label: "on" },
  paused: { tone: "warn", icon: "‖", label: "paused" },
  "not-deciding": { tone: "bad", icon: "✕", label: "not deciding" },
  maintenance: { tone: "warn", icon: "☾", label: "maintenance" },
  "cooling-down": { tone: "warn", icon: "◷", label: "cooling down" },
  off: { tone: "neutral", icon: "○", label: "off" },
};

export function AutomationStateBadge({ state }: { state: AutomationState }) {
  const look = LOOK[state];
  return (
    <Badge tone={look.tone}>
      <span aria-hidden="true">{look.icon}</span> {look.label}
    </Badge>
  );
}
