import { OPERATIONS } from "@/contracts/operations";
import { changeRequestView } from "@/server/change-requests/change-request-view";
import { createChangeRequest } from "@/server/change-requests/create-change-request";
import { listChangeRequests } from "@/server/change-requests/list-change-requests";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listChangeRequests, async ({ query }) => ({ changeRequests: await listChangeRequests(query) }));

export const POST = apiRoute(OPERATIONS.createChangeRequest, async ({ actor, body }) => {
  const { id } = await createChangeRequest(actor, body);
  return changeRequestView(id);
});
