import { OPERATIONS } from "@/contracts/operations";
import { actOnRoleGrant } from "@/server/accounts/decide-role-grant";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.rejectRoleGrant, ({ actor, params, body }) => actOnRoleGrant(actor, params.id, { type: "reject", reason: body.reason }));
