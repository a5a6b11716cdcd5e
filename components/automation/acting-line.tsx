import type { ServiceAutomation } from "@/contracts/automation";
import { Badge } from "@/components/ui/badge";

/**
 * Whether the decider carries failovers out for the service now, in the
 * server's words. No decider at all, or one that has stopped deciding, is
 * worse than a brake an operator chose: nothing would fail over however the
 * policy reads.
 */
export function ActingLine({ automation }: { automation: ServiceAutomation }) {
  const deciding = automation.decider !== null && automation.state.state !== "not-deciding";
  return (
    <p data-testid="automation-acting" data-acting={automation.acting} style={{ margin: "0 0 12px" }}>
      {automation.acting ? (
        <Badge tone="ok">
          <span aria-hidden="true">✓</span> acting
        </Badge>
      ) : (
        <Badge tone={deciding ? "warn" : "bad"}>
          <span aria-hidden="true">{deciding ? "‖" : "✕"}</span> not acting
        </Badge>
      )}{" "}
      {automation.sentence}
    </p>
  );
}
