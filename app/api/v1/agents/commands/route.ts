import { OPERATIONS } from "@/contracts/operations";
import { pendingCommands } from "@/server/commands/pending-commands";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.pollCommands, ({ agent, query, request }) => pendingCommands(agent, query.waitSeconds, query.keyGeneration, request.signal));
