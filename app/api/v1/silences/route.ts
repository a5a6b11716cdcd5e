import { OPERATIONS } from "@/contracts/operations";
import { createSilence, listSilences } from "@/server/alerts/silences";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listSilences, () => listSilences());
export const POST = apiRoute(OPERATIONS.createSilence, ({ actor, body }) => createSilence(actor, body));
