import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { metrics } from "@/server/loops/loop-metrics";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.metrics, async () => {
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
});
