import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { getSchedule } from "@/server/oncall/schedule-view";
import { deleteSchedule, updateSchedule } from "@/server/oncall/schedules";

export const GET = apiRoute(OPERATIONS.getOnCallSchedule, ({ params, query }) => getSchedule(params.id, query.days));
export const PATCH = apiRoute(OPERATIONS.updateOnCallSchedule, ({ actor, params, body }) => updateSchedule(actor, params.id, body));
export const DELETE = apiRoute(OPERATIONS.deleteOnCallSchedule, async ({ actor, params }) => {
  await deleteSchedule(actor, params.id);
  return { id: params.id, deleted: true };
});
