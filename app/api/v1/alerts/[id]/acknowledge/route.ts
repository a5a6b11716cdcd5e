import { OPERATIONS } from "@/contracts/operations";
import { acknowledgeAlert } from "@/server/alerts/acknowledge-alert";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.acknowledgeAlert, async ({ actor, params, body }) => acknowledgeAlert(actor, params.id, body.note));
