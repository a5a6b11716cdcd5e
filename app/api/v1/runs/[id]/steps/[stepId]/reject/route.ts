import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { rejectStep } from "@/server/runs/step-decisions";
import { runView } from "@/server/runs/run-view";

export const POST = apiRoute(OPERATIONS.rejectStep, async ({ actor, params, body }) => {
  await rejectStep(actor, params.id, params.stepId, body.note);
  return runView(params.id);
});
