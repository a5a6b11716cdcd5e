import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { createPlan } from "@/server/plans/create-plan";
import { listPlans } from "@/server/plans/plan-view";

export const GET = apiRoute(OPERATIONS.listPlans, async ({ query }) => listPlans(query.limit));

export const POST = apiRoute(OPERATIONS.createPlan, async ({ actor, body }) => {
  const created = await createPlan(actor, body);
  return body.dryRun ? Response.json(created, { status: 200 }) : created;
});
