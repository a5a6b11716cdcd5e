import { OPERATIONS } from "@/contracts/operations";
import { endAutomationPause } from "@/server/automation/automation-pauses";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.endAutomationPause, ({ actor, params }) => endAutomationPause(actor, params.id));
