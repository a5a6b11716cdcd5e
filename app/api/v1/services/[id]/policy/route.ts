import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { servicePolicy } from "@/server/policy/service-policy";

export const GET = apiRoute(OPERATIONS.getServicePolicy, async ({ params }) => servicePolicy(params.id));
