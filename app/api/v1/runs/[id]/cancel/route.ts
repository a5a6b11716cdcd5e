import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { controlRun } from "@/server/runs/control-run";
import { runView } from "@/server/runs/run-view";

export const POST = apiRoute(OPERATIONS.cancelRun, async ({ actor, params, body }) => {
  await controlRun(actor, params.id, "cancel", body.reason);
  return runView(params.id);
});
