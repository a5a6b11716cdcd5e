import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { reviewEmergencyChange } from "@/server/policy/review-emergency-change";

export const POST = apiRoute(OPERATIONS.reviewEmergencyChange, async ({ actor, params, body }) => reviewEmergencyChange(actor, params.id, body.note));
