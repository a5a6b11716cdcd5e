import type { z } from "zod";
import type { applyTopologyResultSchema, topologyPlanSchema } from "@/contracts/topology-api";

const MODES = { none: "unchanged", direct: "applied directly by an admin", "change-request": "needs a change request" } as const;

export function renderTopologyPlan(plan: z.output<typeof topologyPlanSchema>): string {
  const scopes = plan.scopes.flatMap((scope) => [
    `${scope.scope} (revision ${scope.revision}): ${MODES[scope.mode]}${scope.requiredApprovals ? `, ${scope.requiredApprovals} approvals` : ""}`,
    ...(scope.mode === "none" ? [] : [`  ${scope.why}`]),
    ...scope.changes.map((change) => `  ${change.governed ? "!" : "-"} ${change.text}`),
  ]);
  return [
    plan.acceptable ? "The document can be applied." : `Refused: applying it would break ${plan.issues.length === 1 ? "a rule" : `${plan.issues.length} rules`}.`,
    ...plan.issues.map((issue) => `  ${issue.message} (rule ${issue.rule})`),
    "",
    ...scopes,
    ...(plan.notes.length ? ["", "Notes:", ...plan.notes.map((note) => `  - ${note}`)] : []),
    "",
    "(! can alter a failover: approved through a change request)",
  ].join("\n");
}

export function renderApplied(result: z.output<typeof applyTopologyResultSchema>): string {
  return [
    result.applied.length ? `Applied: ${result.applied.join(", ")}` : "Applied directly: nothing",
    ...result.changeRequests.map((request) => `Change request ${request.id} opened for ${request.scope}: needs ${request.requiredApprovals} approvals (switchyard change ${request.id})`),
    ...(result.unchanged.length ? [`Unchanged: ${result.unchanged.join(", ")}`] : []),
    ...result.notes.map((note) => `Note: ${note}`),
  ].join("\n");
}
