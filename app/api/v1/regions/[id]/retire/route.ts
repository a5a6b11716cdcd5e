import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { retireRegion } from "@/server/topology/retire-region";

export const POST = apiRoute(OPERATIONS.retireRegion, ({ actor, params, body }) => retireRegion(actor, params.id, body.reason));
