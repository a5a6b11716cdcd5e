import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { changeIncidentRoles } from "@/server/incidents/change-incident";

export const POST = apiRoute(OPERATIONS.changeIncidentRoles, async ({ actor, params, body }) => changeIncidentRoles(actor, params.id, body));
