import { OPERATIONS } from "@/contracts/operations";
import { resetPassword } from "@/server/accounts/reset-password";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.resetPassword, ({ actor, params, body }) => resetPassword(actor, params.id, body));
