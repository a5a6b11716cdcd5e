import { buildOpenApiDocument } from "@/contracts/openapi";
import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { SWITCHYARD_VERSION } from "@/server/version";

export const GET = apiRoute(OPERATIONS.openApi, async () => buildOpenApiDocument(SWITCHYARD_VERSION));
