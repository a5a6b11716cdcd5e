import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { issueTokenWithPassword } from "@/server/tokens/issue-token";
import { listTokens } from "@/server/tokens/list-tokens";

export const POST = apiRoute(OPERATIONS.issueToken, ({ body, ip }) => issueTokenWithPassword(body, ip));

export const GET = apiRoute(OPERATIONS.listTokens, async ({ actor, query }) => ({ tokens: await listTokens(actor, query.scope) }));
