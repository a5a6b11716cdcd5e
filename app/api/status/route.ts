import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { currentStatusPage } from "@/server/status-page/status-cache";
import { storeUnavailable } from "@/server/status-page/store-unavailable";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.statusPage, async () => {
  const page = await currentStatusPage().catch(() => null);
  if (!page) return storeUnavailable();
  return Response.json(page, { headers: { "Cache-Control": "public, max-age=5", "Access-Control-Allow-Origin": "*" } });
});
