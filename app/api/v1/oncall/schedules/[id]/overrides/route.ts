import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { createOverride } from "@/server/oncall/schedules";

export const POST = apiRoute(OPERATIONS.createOnCallOverride, ({ actor, params, body }) => createOverride(actor, params.id, body));
