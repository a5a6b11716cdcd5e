import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { changeMember } from "@/server/topology/change-entity";

export const PATCH = apiRoute(OPERATIONS.updateReplica, ({ actor, params, body: { reason, ...update } }) => changeMember(actor, params.id, "replicas", params.name, { update }, reason));
