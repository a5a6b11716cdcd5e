import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { currentStatusPage } from "@/server/status-page/status-cache";
import { statusFeed } from "@/server/status-page/status-feed";
import { storeUnavailable } from "@/server/status-page/store-unavailable";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.statusFeed, async ({ request }) => {
  const page = await currentStatusPage().catch(() => null);
  if (!page) return storeUnavailable();
  return new Response(statusFeed(page, new URL(request.url).origin), { headers: { "content-type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=5" } });
});
