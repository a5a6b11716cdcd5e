import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { changeMember } from "@/server/topology/change-entity";

export const PATCH = apiRoute(OPERATIONS.updateDataset, ({ actor, params, body: { reason, ...update } }) => changeMember(actor, params.id, "datasets", params.name, { update }, reason));
