import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { planRunbook } from "@/server/runbooks/plan-runbook";
import { scheduleRun } from "@/server/runs/schedule-run";
import { startRun } from "@/server/runs/start-run";

export const POST = apiRoute(OPERATIONS.startRun, async ({ actor, params, body }) => {
  if (body.dryRun) return Response.json(await planRunbook(params.id, body.params), { status: 200 });
  if (body.scheduledAt) return scheduleRun(params.id, body.params, { scheduledAt: new Date(body.scheduledAt), inMaintenanceWindow: body.inMaintenanceWindow }, actor);
  return startRun(params.id, body.params, { type: "user", actor });
});
