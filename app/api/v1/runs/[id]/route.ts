import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { runView } from "@/server/runs/run-view";

export const GET = apiRoute(OPERATIONS.getRun, ({ params }) => runView(params.id));
