import { OPERATIONS } from "@/contracts/operations";
import { expireSilence } from "@/server/alerts/silences";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.expireSilence, ({ actor, params }) => expireSilence(actor, params.id));
