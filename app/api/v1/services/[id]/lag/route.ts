import { OPERATIONS } from "@/contracts/operations";
import { serviceLag } from "@/server/fleet/service-lag";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.serviceLag, ({ params, query }) => serviceLag(params.id, query.range));
