import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { retireService } from "@/server/topology/retire-service";

export const POST = apiRoute(OPERATIONS.retireService, ({ actor, params, body }) => retireService(actor, params.id, body.reason));
