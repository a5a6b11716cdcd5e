import { OPERATIONS } from "@/contracts/operations";
import { changeRequestView } from "@/server/change-requests/change-request-view";
import { actOnChangeRequest } from "@/server/change-requests/decide-change-request";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.rebaseChangeRequest, async ({ actor, params }) => {
  await actOnChangeRequest(actor, params.id, { type: "rebase" });
  return changeRequestView(params.id);
});
