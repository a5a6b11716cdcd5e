import { OPERATIONS } from "@/contracts/operations";
import { listAlerts } from "@/server/alerts/list-alerts";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listAlerts, async ({ query }) => listAlerts(query));
