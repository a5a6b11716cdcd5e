import { OPERATIONS } from "@/contracts/operations";
import { changeOwnPassword } from "@/server/accounts/change-password";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.changeOwnPassword, ({ actor, body }) => changeOwnPassword(actor, body));
