import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { listStatusComponents, putStatusComponents } from "@/server/status-page/status-components";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.listStatusComponents, () => listStatusComponents());
export const POST = apiRoute(OPERATIONS.putStatusComponents, ({ actor, body }) => putStatusComponents(body, actor));
