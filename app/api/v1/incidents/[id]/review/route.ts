import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { incidentReview, saveIncidentReview } from "@/server/incidents/incident-review";

export const GET = apiRoute(OPERATIONS.getIncidentReview, async ({ params, query }) => incidentReview(params.id, query.version));
export const POST = apiRoute(OPERATIONS.saveIncidentReview, async ({ actor, params, body }) => saveIncidentReview(actor, params.id, body));
