import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { deleteOverride } from "@/server/oncall/schedules";

export const DELETE = apiRoute(OPERATIONS.deleteOnCallOverride, ({ actor, params }) => deleteOverride(actor, params.id, params.overrideId));
