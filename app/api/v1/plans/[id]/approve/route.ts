import { OPERATIONS } from "@/contracts/operations";
import { decideDrillApproval } from "@/server/drills/drill-approvals";
import { apiRoute } from "@/server/http/api-route";
import { planView } from "@/server/plans/plan-view";

export const POST = apiRoute(OPERATIONS.approvePlan, async ({ actor, params, body }) => {
  await decideDrillApproval(actor, { kind: "plan", id: params.id }, "approve", body.note);
  return planView(params.id);
});
