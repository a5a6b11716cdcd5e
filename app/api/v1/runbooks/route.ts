import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { listRunbooks } from "@/server/runbooks/list-runbooks";

export const GET = apiRoute(OPERATIONS.listRunbooks, () => listRunbooks());
