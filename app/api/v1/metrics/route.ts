import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { metrics } from "@/server/loops/loop-metrics";
import { registerStoreGauges } from "@/server/metrics/store-gauges";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.metrics, async () => {
  registerStoreGauges();
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
});
