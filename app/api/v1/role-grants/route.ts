import { OPERATIONS } from "@/contracts/operations";
import { listRoleGrants } from "@/server/accounts/list-role-grants";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listRoleGrants, async ({ query }) => ({ grants: await listRoleGrants(query) }));
