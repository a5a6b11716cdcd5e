import { OPERATIONS } from "@/contracts/operations";
import { regionStates } from "@/server/fleet/region-states";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listRegions, async () => ({ regions: await regionStates(), generatedAt: new Date().toISOString() }));
