import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { drillView } from "@/server/drills/drill-view";

export const GET = apiRoute(OPERATIONS.getDrill, async ({ params }) => drillView(params.id));
