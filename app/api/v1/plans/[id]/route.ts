import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { planView } from "@/server/plans/plan-view";

export const GET = apiRoute(OPERATIONS.getPlan, async ({ params }) => planView(params.id));
