import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { applyTopology } from "@/server/topology/apply-topology";

export const POST = apiRoute(OPERATIONS.applyTopology, ({ actor, body }) => applyTopology(actor, body));
