import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { updateRegion } from "@/server/topology/change-entity";

export const PATCH = apiRoute(OPERATIONS.updateRegion, ({ actor, params, body: { reason, ...change } }) => updateRegion(actor, params.id, change, reason));
