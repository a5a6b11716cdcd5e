import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { listRuns } from "@/server/runs/list-runs";

export const GET = apiRoute(OPERATIONS.listRuns, async ({ query }) => ({ runs: await listRuns(query.serviceId, query.limit) }));
