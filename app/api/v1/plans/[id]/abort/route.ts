import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { controlPlan } from "@/server/plans/control-plan";
import { planView } from "@/server/plans/plan-view";

export const POST = apiRoute(OPERATIONS.abortPlan, async ({ actor, params, body }) => {
  await controlPlan(actor, params.id, "abort", body.reason);
  return planView(params.id);
});
