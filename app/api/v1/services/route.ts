import { OPERATIONS } from "@/contracts/operations";
import { listServices } from "@/server/fleet/list-services";
import { apiRoute } from "@/server/http/api-route";
import { createService } from "@/server/topology/change-entity";

export const GET = apiRoute(OPERATIONS.listServices, () => listServices());

export const POST = apiRoute(OPERATIONS.createService, ({ actor, body }) => createService(actor, body.service, body.reason));
