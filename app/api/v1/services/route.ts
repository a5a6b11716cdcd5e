import { OPERATIONS } from "@/contracts/operations";
import { listServices } from "@/server/fleet/list-services";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listServices, () => listServices());
