import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { changeMember } from "@/server/topology/change-entity";

export const POST = apiRoute(OPERATIONS.retireReplica, ({ actor, params, body }) => changeMember(actor, params.id, "replicas", params.name, { retire: true }, body.reason));
