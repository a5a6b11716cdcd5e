import { OPERATIONS } from "@/contracts/operations";
import { regionMatrix } from "@/server/fleet/region-matrix";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.regionMatrix, () => regionMatrix());
