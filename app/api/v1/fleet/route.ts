import { OPERATIONS } from "@/contracts/operations";
import { fleetOverview } from "@/server/fleet/fleet-overview";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.fleetOverview, () => fleetOverview());
