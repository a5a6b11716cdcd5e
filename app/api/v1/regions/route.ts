import { OPERATIONS } from "@/contracts/operations";
import { regionStates } from "@/server/fleet/region-states";
import { apiRoute } from "@/server/http/api-route";
import { createRegion } from "@/server/topology/change-entity";

export const GET = apiRoute(OPERATIONS.listRegions, async () => ({ regions: await regionStates(), generatedAt: new Date().toISOString() }));

export const POST = apiRoute(OPERATIONS.createRegion, ({ actor, body: { reason, ...region } }) => createRegion(actor, region, reason));
