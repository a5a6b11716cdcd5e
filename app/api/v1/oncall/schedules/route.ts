import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { listSchedules } from "@/server/oncall/schedule-view";
import { createSchedule } from "@/server/oncall/schedules";

export const GET = apiRoute(OPERATIONS.listOnCallSchedules, async ({ query }) => ({ schedules: await listSchedules(query.days), generatedAt: new Date().toISOString() }));
export const POST = apiRoute(OPERATIONS.createOnCallSchedule, ({ actor, body }) => createSchedule(actor, body));
