import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { planRunbook } from "@/server/runbooks/plan-runbook";

export const POST = apiRoute(OPERATIONS.planRunbook, ({ params, body }) => planRunbook(params.id, body.params));
