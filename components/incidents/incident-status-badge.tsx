import type { IncidentStatus } from "@/core/incidents/incident-status";
import { Badge, type Tone } from "@/components/ui/badge";

/** Status as a word and an icon, never colour alone. */
const LOOK: Record<IncidentStatus, { tone: Tone; icon: string }> = {
  investigating: { tone: "bad", icon: "●" },
  identified: { tone: "warn", icon: "◐" },
  monitoring: { tone: "info", icon: "◔" },
  resolved: { tone: "ok", icon: "✓" },
};

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <Badge tone={LOOK[status].tone}>
      <span aria-hidden="true">{LOOK[status].icon}</span> {status}
    </Badge>
  );
}
