import { OPERATIONS } from "@/contracts/operations";
import { previewChange } from "@/server/change-requests/preview-change";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.previewChangeRequest, async ({ body }) => previewChange(body.serviceId, body.document));
