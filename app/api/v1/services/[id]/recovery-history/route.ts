import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { recoveryHistory } from "@/server/drills/recovery-history";

export const GET = apiRoute(OPERATIONS.recoveryHistory, async ({ params }) => recoveryHistory(params.id));
