import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { exportIncidentReview } from "@/server/incidents/incident-review";

export const GET = apiRoute(OPERATIONS.exportIncidentReview, async ({ params, query }) => exportIncidentReview(params.id, query));
