import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { createDrillSchedule, listDrillSchedules } from "@/server/drills/drill-schedules";

export const POST = apiRoute(OPERATIONS.createDrillSchedule, async ({ actor, body }) => createDrillSchedule(body, actor));
export const GET = apiRoute(OPERATIONS.listDrillSchedules, async ({ query }) => ({ schedules: await listDrillSchedules(query.serviceId) }));
