import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { applyEmergencyChange } from "@/server/policy/apply-emergency-change";

export const POST = apiRoute(OPERATIONS.applyEmergencyChange, async ({ actor, params, body }) => applyEmergencyChange(actor, params.id, body.document, body.reason));
