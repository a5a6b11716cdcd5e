import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { listPolicyVersions } from "@/server/policy/policy-versions";

export const GET = apiRoute(OPERATIONS.listPolicyVersions, async ({ params }) => listPolicyVersions(params.id));
