import { OPERATIONS } from "@/contracts/operations";
import { writeRoute } from "@/server/fleet/write-route";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.getWriteRoute, ({ params }) => writeRoute(params.id));
