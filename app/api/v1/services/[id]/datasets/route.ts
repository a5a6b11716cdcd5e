import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { changeMember } from "@/server/topology/change-entity";

export const POST = apiRoute(OPERATIONS.addDataset, ({ actor, params, body: { reason, ...dataset } }) => changeMember(actor, params.id, "datasets", dataset.name, { add: dataset }, reason));
