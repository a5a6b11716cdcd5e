import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { listDrills } from "@/server/drills/drill-view";
import { startDrill } from "@/server/drills/start-drill";

export const POST = apiRoute(OPERATIONS.startDrill, async ({ actor, body }) => startDrill(body, actor));
export const GET = apiRoute(OPERATIONS.listDrills, async ({ query }) => ({ drills: await listDrills(query.serviceId, query.limit) }));
