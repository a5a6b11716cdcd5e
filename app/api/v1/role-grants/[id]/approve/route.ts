import { OPERATIONS } from "@/contracts/operations";
import { actOnRoleGrant } from "@/server/accounts/decide-role-grant";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.approveRoleGrant, ({ actor, params, body }) => actOnRoleGrant(actor, params.id, { type: "approve" }, body.note));
