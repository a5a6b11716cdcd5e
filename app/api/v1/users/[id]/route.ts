import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { updateUser } from "@/server/users/update-user";

export const PATCH = apiRoute(OPERATIONS.updateUser, ({ actor, params, body }) => updateUser(actor, params.id, body));
