import { OPERATIONS } from "@/contracts/operations";
import { createAutomationPause, listAutomationPauses } from "@/server/automation/automation-pauses";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listAutomationPauses, () => listAutomationPauses());
export const POST = apiRoute(OPERATIONS.createAutomationPause, ({ actor, body }) => createAutomationPause(actor, body));
