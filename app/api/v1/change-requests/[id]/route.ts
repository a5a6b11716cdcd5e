import { OPERATIONS } from "@/contracts/operations";
import { changeRequestView } from "@/server/change-requests/change-request-view";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.getChangeRequest, async ({ params }) => changeRequestView(params.id));
