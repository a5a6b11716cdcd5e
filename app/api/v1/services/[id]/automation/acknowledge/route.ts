import { OPERATIONS } from "@/contracts/operations";
import { acknowledgeFailover } from "@/server/automation/acknowledge-failover";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.acknowledgeFailover, ({ actor, params, body }) => acknowledgeFailover(actor, params.id, body.note));
