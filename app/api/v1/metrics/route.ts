import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { controlPlaneRegistry } from "@/server/metrics/metric-families";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.metrics, async () => {
  const registry = controlPlaneRegistry();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
});
