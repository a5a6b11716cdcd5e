import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { incidentView } from "@/server/incidents/incident-view";

export const GET = apiRoute(OPERATIONS.getIncident, async ({ params }) => incidentView(params.id));
