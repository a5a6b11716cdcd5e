import { OPERATIONS } from "@/contracts/operations";
import { readRoute } from "@/server/fleet/read-route";
import { writeRoute } from "@/server/fleet/write-route";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.getWriteRoute, ({ params, query }) =>
  query.intent === "read" ? readRoute(params.id, query.near!, query.maxLagSeconds!) : writeRoute(params.id),
);
