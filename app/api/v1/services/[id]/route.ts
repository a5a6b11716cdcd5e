import { OPERATIONS } from "@/contracts/operations";
import { serviceDetail } from "@/server/fleet/service-detail";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.getService, ({ params }) => serviceDetail(params.id));
