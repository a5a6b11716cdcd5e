import { OPERATIONS } from "@/contracts/operations";
import { serviceDetail } from "@/server/fleet/service-detail";
import { apiRoute } from "@/server/http/api-route";
import { updateService } from "@/server/topology/change-entity";

export const GET = apiRoute(OPERATIONS.getService, ({ params }) => serviceDetail(params.id));

export const PATCH = apiRoute(OPERATIONS.updateService, ({ actor, params, body: { reason, ...change } }) => updateService(actor, params.id, change, reason));
