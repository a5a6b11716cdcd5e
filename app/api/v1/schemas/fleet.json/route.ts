import { OPERATIONS } from "@/contracts/operations";
import { fleetJsonSchema } from "@/contracts/topology";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.fleetDocumentJsonSchema, async () =>
  Response.json(fleetJsonSchema(), { headers: { "content-type": "application/schema+json" } }),
);
