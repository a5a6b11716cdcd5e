import { OPERATIONS } from "@/contracts/operations";
import { serviceAutomation } from "@/server/automation/service-automation";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.serviceAutomation, ({ params }) => serviceAutomation(params.id));
