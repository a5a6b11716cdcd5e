import { OPERATIONS } from "@/contracts/operations";
import { storeHealth } from "@/server/health/store-health";
import { apiRoute } from "@/server/http/api-route";
import { SWITCHYARD_VERSION } from "@/server/version";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.health, async () => {
  const health = await storeHealth(SWITCHYARD_VERSION);
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
});
