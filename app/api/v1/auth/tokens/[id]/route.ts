import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { revokeToken } from "@/server/tokens/revoke-token";

export const DELETE = apiRoute(OPERATIONS.revokeToken, ({ actor, params }) => revokeToken(actor, params.id));
