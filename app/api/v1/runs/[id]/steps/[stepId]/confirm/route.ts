import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { confirmStep } from "@/server/runs/step-decisions";
import { runView } from "@/server/runs/run-view";

export const POST = apiRoute(OPERATIONS.confirmStep, async ({ actor, params, body }) => {
  await confirmStep(actor, params.id, params.stepId, body.note);
  return runView(params.id);
});
