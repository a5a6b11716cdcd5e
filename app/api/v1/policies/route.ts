import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { listPolicies } from "@/server/policy/list-policies";

export const GET = apiRoute(OPERATIONS.listPolicies, async () => ({ policies: await listPolicies() }));
