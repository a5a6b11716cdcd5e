import { OPERATIONS } from "@/contracts/operations";
import { changeRequestView } from "@/server/change-requests/change-request-view";
import { actOnChangeRequest } from "@/server/change-requests/decide-change-request";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.rejectChangeRequest, async ({ actor, params, body }) => {
  await actOnChangeRequest(actor, params.id, { type: "reject", reason: body.reason });
  return changeRequestView(params.id);
});
