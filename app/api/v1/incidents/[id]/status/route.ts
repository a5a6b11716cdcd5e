import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { updateIncidentStatus } from "@/server/incidents/change-incident";

export const POST = apiRoute(OPERATIONS.updateIncidentStatus, async ({ actor, params, body }) => updateIncidentStatus(actor, params.id, body));
