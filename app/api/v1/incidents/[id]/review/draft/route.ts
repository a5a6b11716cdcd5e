import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { draftIncidentReview } from "@/server/incidents/incident-review";

export const POST = apiRoute(OPERATIONS.draftIncidentReview, async ({ actor, params }) => draftIncidentReview(actor, params.id));
