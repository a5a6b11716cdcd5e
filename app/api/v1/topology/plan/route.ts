import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { planDocument, planView } from "@/server/topology/topology-plan";

export const POST = apiRoute(OPERATIONS.planTopology, async ({ body }) => planView(await planDocument(body.document, undefined, body.approval)));
