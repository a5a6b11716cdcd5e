import { OPERATIONS } from "@/contracts/operations";
import { pendingCommands } from "@/server/commands/pending-commands";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.pollCommands, async ({ agent, query, request }) => ({
  commands: await pendingCommands(agent, query.waitSeconds, request.signal),
}));
