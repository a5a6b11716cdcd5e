import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { controlPlan } from "@/server/plans/control-plan";
import { planView } from "@/server/plans/plan-view";

export const POST = apiRoute(OPERATIONS.cancelPlan, async ({ actor, params, body }) => {
  await controlPlan(actor, params.id, "cancel", body.reason);
  return planView(params.id);
});
