import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { changeMember } from "@/server/topology/change-entity";

export const POST = apiRoute(OPERATIONS.addReplica, ({ actor, params, body: { reason, ...replica } }) => changeMember(actor, params.id, "replicas", replica.name, { add: replica }, reason));
