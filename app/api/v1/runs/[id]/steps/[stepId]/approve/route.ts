import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { approveStep } from "@/server/runs/step-decisions";
import { runView } from "@/server/runs/run-view";

export const POST = apiRoute(OPERATIONS.approveStep, async ({ actor, params, body }) => {
  await approveStep(actor, params.id, params.stepId, body.note);
  return runView(params.id);
});
