import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { disableDrillSchedule } from "@/server/drills/drill-schedules";

export const POST = apiRoute(OPERATIONS.disableDrillSchedule, async ({ actor, params, body }) => disableDrillSchedule(params.id, body.reason, actor));
