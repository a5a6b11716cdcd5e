import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { declareIncident } from "@/server/incidents/change-incident";
import { listIncidents } from "@/server/incidents/incident-view";

export const GET = apiRoute(OPERATIONS.listIncidents, async ({ query }) => ({ incidents: await listIncidents(query) }));
export const POST = apiRoute(OPERATIONS.declareIncident, async ({ actor, body }) => declareIncident(actor, body));
